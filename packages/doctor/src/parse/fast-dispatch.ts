import type { CliIo } from '../io.js';
import { COMMANDS } from '../commands/registry.js';
import { recordCommand, type CommandShape } from './command-shape.js';
import { fastParse } from './fast-parse.js';

/**
 * The command line without yargs, when that gives exactly what yargs would: the named command's
 * module only, parsed by yargs-parser from the command's own declarations. yargs costs about as
 * much as node's own start to load, and more to run (it renders the whole help before every
 * command); the lookups and the triage of a small file are dominated by it
 * (docs/decisions/lazy-loading.md). Returns the command to run, or undefined when yargs must
 * parse (help, completion, a usage error, anything fastParse does not reproduce).
 */
export async function fastDispatch(args: readonly string[], io: CliIo): Promise<(() => Promise<void>) | undefined> {
  const leaf = await leafCommand(args, io);
  if (!leaf) return undefined;
  const { shape, words, rest } = leaf;
  const parsed = fastParse(shape, words, rest);
  if (!('argv' in parsed)) return undefined;
  const { argv } = parsed;
  const { middlewares, handler } = shape;
  return async () => {
    for (const m of middlewares) await m(argv);
    await handler(argv as never);
  };
}

/** The command the words at the start of `args` name (`probe turn`), its declarations and what follows. */
export async function leafCommand(
  args: readonly string[],
  io: CliIo,
): Promise<{ shape: CommandShape; words: string[]; rest: string[] } | undefined> {
  const entry = COMMANDS.find((c) => c.name === args[0]);
  if (!entry) return undefined;
  let shape = recordCommand((await entry.load())(io));
  const words = [entry.name];
  let rest = args.slice(1);
  while (shape.subcommands.size) {
    // A parent's own declarations (none today) would apply to its subcommands: yargs handles those.
    if (shape.options.size || shape.middlewares.length || shape.unsupported.length) return undefined;
    const sub = rest[0] === undefined ? undefined : shape.subcommands.get(rest[0]);
    if (!sub) return undefined;
    words.push(rest[0]!);
    rest = rest.slice(1);
    shape = recordCommand(sub);
  }
  return { shape, words, rest };
}
