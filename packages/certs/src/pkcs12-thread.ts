import { Worker } from 'node:worker_threads';
import { CmsDoctorError, type ErrorCode, type Secret } from '@cms-doctor/core';
import { getMaxKdfIterations, type Pkcs12Contents } from './pkcs12.js';
import type { Pkcs12Job, Pkcs12Reply } from './pkcs12-worker.js';

// Built code runs dist/pkcs12-worker.js beside this file; tests run the TypeScript sources,
// where no .js sibling exists, so they use the built worker of the same package.
const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('../dist/pkcs12-worker.js', import.meta.url)
  : new URL('./pkcs12-worker.js', import.meta.url);

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
