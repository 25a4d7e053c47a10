import { parentPort, workerData } from 'node:worker_threads';
import { Secret, isCmsDoctorError } from '@cms-doctor/core';
import { readPkcs12, setMaxKdfIterations } from './pkcs12.js';

/** What the main thread sends: one file, its password and the cap in force there. */
export interface Pkcs12Job {
  der: Uint8Array;
  password?: string;
  maxKdfIterations: number;
}

/** What comes back: the contents, or the error's code and message (never the password). */
export type Pkcs12Reply = { ok: true; certificates: Uint8Array[]; privateKeys: number } | { ok: false; code: string; message: string };

// Runs once per worker: the key derivation happens here, off the main thread, so the
// run's deadline can end it with worker.terminate() however long forge would take.
const job = workerData as Pkcs12Job;
let reply: Pkcs12Reply;
try {
  setMaxKdfIterations(job.maxKdfIterations);
  const out = readPkcs12(job.der, job.password === undefined ? undefined : new Secret(job.password));
  reply = { ok: true, certificates: out.certificates.map((c) => new Uint8Array(c)), privateKeys: out.privateKeys };
} catch (e) {
  reply = isCmsDoctorError(e)
    ? { ok: false, code: e.code, message: e.message }
    : { ok: false, code: 'CMSD_PARSE', message: `PKCS#12: ${(e as Error)?.message ?? String(e)}` };
}
parentPort?.postMessage(reply);
