import type { CommandModule, Options, PositionalOptions } from 'yargs';

type Middleware = (argv: Record<string, unknown>) => unknown;

export interface PositionalShape {
  name: string;
  required: boolean;
  variadic: boolean;
  def: PositionalOptions;
}

/** What a command's yargs builder declares, recorded without yargs. */
export interface CommandShape {
  name: string;
  positionals: PositionalShape[];
  options: Map<string, Options>;
  middlewares: Middleware[];
  subcommands: Map<string, CommandModule>;
  handler: CommandModule['handler'];
  /** The builder called something the fast parser does not reproduce: only yargs may parse it. */
  unsupported: string[];
}

/** `triage <inputs..>` → name `triage`, positional `inputs` (required, variadic). */
export function parseCommandString(command: string): { name: string; positionals: Omit<PositionalShape, 'def'>[] } {
  const [name = '', ...rest] = command.trim().split(/\s+/);
  const positionals = rest.map((token) => {
    const m = /^([<[])(.+?)(\.\.)?[>\]]$/.exec(token);
    if (!m) throw new Error(`unexpected positional "${token}" in command "${command}"`);
    return { name: m[2]!, required: m[1] === '<', variadic: m[3] === '..' };
  });
  return { name, positionals };
}

/** The builder methods whose effect the fast parser reproduces; calls to any other are recorded as unsupported. */
const RECORDED = new Set(['option', 'positional', 'middleware', 'command', 'example', 'demandCommand', 'usage']);

/**
 * Runs the command's builder against a recorder instead of yargs: the same declarations drive
 * both parsers, so the fast path cannot drift from what `--help` shows and yargs validates.
 */
export function recordCommand(module: CommandModule): CommandShape {
  const parsed = parseCommandString(String(module.command ?? ''));
  const shape: CommandShape = {
    name: parsed.name,
    positionals: parsed.positionals.map((p) => ({ ...p, def: {} })),
    options: new Map(),
    middlewares: [],
    subcommands: new Map(),
    handler: module.handler,
    unsupported: [],
  };
  const recorder: Record<string, unknown> = new Proxy({} as Record<string, unknown>, {
    get: (_t, method) => {
      if (typeof method !== 'string') return undefined;
      return (...args: unknown[]) => {
        // `usage(text)` is help text only; with more arguments it would declare a default command.
        if (!RECORDED.has(method) || (method === 'usage' && args.length !== 1)) shape.unsupported.push(method);
        else if (method === 'option') shape.options.set(String(args[0]), (args[1] ?? {}) as Options);
        else if (method === 'positional') {
          const p = shape.positionals.find((x) => x.name === args[0]);
          if (p) p.def = (args[1] ?? {}) as PositionalOptions;
          else shape.unsupported.push(`positional ${String(args[0])}`);
        } else if (method === 'middleware') shape.middlewares.push(args[0] as Middleware);
        else if (method === 'command') {
          const sub = args[0] as CommandModule;
          if (typeof sub !== 'object' || sub === null) shape.unsupported.push('command');
          else shape.subcommands.set(parseCommandString(String(sub.command ?? '')).name, sub);
        }
        return recorder;
      };
    },
  });
  if (typeof module.builder === 'function') (module.builder as (y: unknown) => unknown)(recorder);
  else if (module.builder) for (const [k, v] of Object.entries(module.builder)) shape.options.set(k, v);
  return shape;
}
