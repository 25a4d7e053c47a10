import { Worker } from 'node:worker_threads';
import { CmsDoctorError, type ErrorCode, type Secret } from '@cms-doctor/core';
import { getMaxKdfIterations, type Pkcs12Contents } from './pkcs12.js';
import type { Pkcs12Job, Pkcs12Reply } from './pkcs12-worker.js';

// The worker is the package's own dist/pkcs12-worker.js, found through the package's exports:
// the CLI runs this code from its bundle (packages/doctor/bundle), far from that file. Tests run
// the TypeScript sources, which the export does not name, so they use the built worker directly.
const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('../dist/pkcs12-worker.js', import.meta.url)
  : new URL(import.meta.resolve('@cms-doctor/certs/pkcs12-worker'));

let running = 0;
/** Worker threads decoding PKCS#12 right now (tests assert none is left behind). */
export const runningPkcs12Workers = (): number => running;

/**
 * readPkcs12 in a worker thread. forge derives keys synchronously, which no timer on the
 * main thread can interrupt; here `signal` terminates the worker at once and the promise
 * rejects with CMSD_TIMEOUT, whatever iteration count the file asks for.
 */
export function readPkcs12InThread(der: Uint8Array, password: Secret | undefined, signal?: AbortSignal): Promise<Pkcs12Contents> {
  if (signal?.aborted) return Promise.reject(deadlineError(signal));
  const job: Pkcs12Job = {
    der: new Uint8Array(der),
    ...(password === undefined ? {} : { password: password.reveal() }),
    maxKdfIterations: getMaxKdfIterations(),
  };
  return new Promise<Pkcs12Contents>((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: job });
    running++;
    let done = false;
    const settle = (f: () => void): void => {
      if (done) return;
      done = true;
      running--;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      f();
    };
    const onAbort = (): void => settle(() => reject(deadlineError(signal)));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (reply: Pkcs12Reply) =>
      settle(() =>
        reply.ok
          ? resolve({ certificates: reply.certificates.map((c) => Buffer.from(c)), privateKeys: reply.privateKeys })
          : reject(new CmsDoctorError(reply.code as ErrorCode, reply.message)),
      ),
    );
    worker.once('error', (e) =>
      settle(() => reject(new CmsDoctorError('CMSD_INTERNAL', `PKCS#12 worker failed: ${e.message}`, { cause: e }))),
    );
    worker.once('exit', (code) =>
      settle(() => reject(new CmsDoctorError('CMSD_INTERNAL', `PKCS#12 worker ended (exit ${code}) without an answer`))),
    );
  });
}

const deadlineError = (signal: AbortSignal | undefined): CmsDoctorError =>
  new CmsDoctorError(
    'CMSD_TIMEOUT',
    `PKCS#12: not opened: its key derivation was stopped at the deadline (${String((signal?.reason as Error | undefined)?.message ?? 'aborted')}); ` +
      'raise --timeout if you trust this file',
  );
