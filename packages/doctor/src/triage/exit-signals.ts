import { removeAllTempSync } from './temp-registry.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * While a run unpacks archives, SIGINT/SIGTERM/SIGHUP remove its temp folders and then
 * end the process with the same signal (so the shell sees the usual status). Returns
 * the function that takes the handlers off again.
 */
export function onExitSignal(): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    removeAllTempSync();
    release();
    process.kill(process.pid, signal);
  };
  const release = (): void => {
    for (const s of SIGNALS) process.off(s, handler);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return release;
}
