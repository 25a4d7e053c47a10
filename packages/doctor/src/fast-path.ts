import type { ArgumentsCamelCase } from 'yargs';
import type { CliIo } from './io.js';

/**
 * `checks` and `explain <name>` in their plain forms, answered without loading yargs: the
 * parser costs about as much as node's own start, and these commands are lookups
 * (docs/decisions/lazy-loading.md). Returns undefined for anything else, and when the command
 * fails (an unknown name), so that `main` runs it again and reports as it always does; neither
 * handler prints before it has succeeded.
 */
export async function fastPath(args: readonly string[], io: CliIo): Promise<number | undefined> {
  const run = await commandFor(args, io);
  if (!run) return undefined;
  try {
    await run();
    return 0;
  } catch {
    return undefined;
  }
}

type Handler = () => Promise<void>;

async function commandFor(args: readonly string[], io: CliIo): Promise<Handler | undefined> {
  const [command, ...rest] = args;
  if (command === 'explain' && rest.length === 1 && !rest[0]!.startsWith('-')) {
    const { explainCommand } = await import('./commands/explain.js');
    const argv = { _: ['explain'], $0: 'cms-doctor', name: rest[0] } as ArgumentsCamelCase;
    return async () => {
      await explainCommand(io).handler(argv);
    };
  }
  if (command === 'checks') {
    const format = checksFormat(rest);
    if (!format) return undefined;
    const { checksCommand } = await import('./commands/checks.js');
    const argv = { _: ['checks'], $0: 'cms-doctor', format } as ArgumentsCamelCase;
    return async () => {
      await checksCommand(io).handler(argv);
    };
  }
  return undefined;
}

/** `checks`, `checks --format json|text`, `checks --format=json|text`; anything else goes to yargs. */
function checksFormat(rest: readonly string[]): 'text' | 'json' | undefined {
  const value =
    rest.length === 0
      ? 'text'
      : rest.length === 2 && rest[0] === '--format'
        ? rest[1]
        : rest.length === 1
          ? /^--format=(.*)$/.exec(rest[0]!)?.[1]
          : undefined;
  return value === 'text' || value === 'json' ? value : undefined;
}
