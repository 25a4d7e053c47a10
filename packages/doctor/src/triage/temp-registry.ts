import { rmSync } from 'node:fs';

/**
 * Temp folders alive in this process. A signal handler empties them synchronously,
 * because on SIGINT/SIGTERM no promise gets to run its `finally`.
 */
const live = new Set<string>();

export function rememberTemp(dir: string): void {
  live.add(dir);
}

export function forgetTemp(dir: string): void {
  live.delete(dir);
}

/** Removes every remembered folder now; returns how many there were. */
export function removeAllTempSync(): number {
  const n = live.size;
  for (const dir of live) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // Best effort at exit: a folder that cannot be removed must not stop the others.
    }
  }
  live.clear();
  return n;
}

export const liveTempCount = (): number => live.size;
