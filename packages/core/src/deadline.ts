import { setMaxListeners } from 'node:events';
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

/**
 * One signal that aborts when any of `signals` does: `AbortSignal.any`, without its retention on
 * Node 20 (every joined signal stays referenced, 4-8 KB per probe in a long-running exporter).
 * `release()` unlinks it once the work is over.
 */
export function linkSignals(...signals: (AbortSignal | undefined)[]): { signal: AbortSignal; release(): void } {
  const list = signals.filter((s): s is AbortSignal => s !== undefined);
  if (list.length === 1) return { signal: list[0]!, release: () => undefined };
  const c = new AbortController();
  const release = (): void => {
    for (const s of list) s.removeEventListener('abort', onAbort);
  };
  function onAbort(this: AbortSignal): void {
    release();
    c.abort(this.reason);
  }
  const already = list.find((s) => s.aborted);
  if (already) c.abort(already.reason);
  else {
    // A run's deadline fans out to every check at once: many listeners on it are by design.
    setMaxListeners(0, ...list);
    for (const s of list) s.addEventListener('abort', onAbort, { once: true });
  }
  return { signal: c.signal, release };
}
