import type { Check, CheckRecord } from '@cms-doctor/core';
import type { CliIo } from './io.js';

export interface Progress {
  onStart(check: Check<unknown>): void;
  onSettled(record: CheckRecord): void;
  stop(): void;
}

const quiet: Progress = { onStart: () => undefined, onSettled: () => undefined, stop: () => undefined };

/**
 * A spinner when stderr is a terminal and the report is text; plain lines on stderr only when
 * asked with --progress. A script piping the output gets nothing on stderr it did not ask for.
 */
export async function createProgress(io: CliIo, argv: { format: string; progress?: boolean }): Promise<Progress> {
  if (argv.progress !== true && !(io.stderrTty && argv.format === 'text')) return quiet;
  if (!io.stderrTty) {
    return {
      onStart: () => undefined,
      onSettled: (r) => io.stderr(`[${r.status}] ${r.id} (${r.durationMs} ms)\n`),
      stop: () => undefined,
    };
  }
  const { default: ora } = await import('ora');
  const running = new Set<string>();
  let done = 0;
  const spinner = ora({ stream: process.stderr, text: 'starting checks' }).start();
  const update = (): void => {
    spinner.text = `${done} done · running ${[...running].slice(0, 3).join(', ')}${running.size > 3 ? ` +${running.size - 3}` : ''}`;
  };
  return {
    onStart: (c) => {
      running.add(c.id);
      update();
    },
    onSettled: (r) => {
      running.delete(r.id);
      done += 1;
      update();
    },
    stop: () => spinner.stop(),
  };
}
