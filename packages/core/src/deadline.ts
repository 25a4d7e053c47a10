import { CmsDoctorError } from './errors.js';

/**
 * Resolves like `promise`, or rejects with a CMSD_TIMEOUT error when `signal` aborts first.
 * Runs `onAbort` (close the socket) so nothing keeps working past the deadline.
 */
export function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort?: () => void): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort?.();
      reject(
        new CmsDoctorError('CMSD_TIMEOUT', `deadline reached: ${String((signal.reason as Error | undefined)?.message ?? 'aborted')}`, {
          cause: signal.reason,
        }),
      );
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(e as Error);
      },
    );
  });
}

/** Milliseconds left before `deadline` (epoch ms), never negative. */
export const remainingMs = (deadline: number, now = Date.now()): number => Math.max(0, deadline - now);
