import yargsParser from 'yargs-parser';
import type { Options } from 'yargs';
import type { CommandShape } from './command-shape.js';

/** Option keys whose meaning the fast parser reproduces; any other sends the command to yargs. */
const SUPPORTED_KEYS = new Set(['type', 'describe', 'group', 'choices', 'array', 'alias', 'default', 'demandOption', 'hidden']);

const camel = (s: string): string => s.replace(/-+([^-])/g, (_m, c: string) => c.toUpperCase());
const aliasesOf = (def: Options): string[] => (def.alias === undefined ? [] : typeof def.alias === 'string' ? [def.alias] : [...def.alias]);

/** yargs-parser's configuration for these options: the same one yargs builds from them. */
export function parserOptions(options: ReadonlyMap<string, Options>): yargsParser.Options {
  const out = {
    array: [] as string[],
    boolean: [] as string[],
    string: [] as string[],
    number: [] as string[],
    alias: {} as Record<string, string[]>,
    default: {} as Record<string, unknown>,
    configuration: { 'parse-positional-numbers': false },
  };
  for (const [key, def] of options) {
    if (def.type === 'string' || def.type === 'number' || def.type === 'boolean') out[def.type].push(key);
    if (def.array) out.array.push(key);
    if (def.alias !== undefined) out.alias[key] = aliasesOf(def);
    if (def.default !== undefined) out.default[key] = def.default;
  }
  return out;
}

/** The flag names yargs' strict mode accepts for these options (kebab, camelCase and aliases). */
function knownKeys(shape: CommandShape): Set<string> {
  const known = new Set<string>();
  for (const [key, def] of shape.options) for (const k of [key, ...aliasesOf(def)]) known.add(k).add(camel(k));
  for (const p of shape.positionals) known.add(p.name).add(camel(p.name));
  return known;
}

const withinChoices = (value: unknown, choices: readonly unknown[] | undefined): boolean =>
  choices === undefined || value === undefined || ([] as unknown[]).concat(value).every((v) => choices.includes(v));

export type FastParse = { argv: Record<string, unknown> } | { yargs: string };

/**
 * Parses `args` (what follows the command words) for a command whose declarations `shape`
 * holds, with yargs' own parser (yargs-parser) and the checks of yargs' strict mode. Anything
 * it does not reproduce exactly (help, version, completion, `--`, an unknown flag, a missing
 * or extra positional, a value outside its choices) returns `{ yargs: why }`: the caller then
 * runs yargs, which answers as it always has. `commandWords` become `argv._`.
 */
export function fastParse(shape: CommandShape, commandWords: readonly string[], args: readonly string[]): FastParse {
  if (shape.unsupported.length) return { yargs: `builder uses ${shape.unsupported.join(', ')}` };
  if (shape.subcommands.size) return { yargs: 'command with subcommands' };
  for (const [key, def] of shape.options) {
    const unknown = Object.keys(def).filter((k) => !SUPPORTED_KEYS.has(k));
    if (unknown.length) return { yargs: `option ${key} uses ${unknown.join(', ')}` };
  }
  if (args.includes('--')) return { yargs: '--' };
  const parsed = yargsParser.detailed([...args], parserOptions(shape.options));
  if (parsed.error) return { yargs: parsed.error.message };
  const { _: rest, ...flags } = parsed.argv;
  const known = knownKeys(shape);
  const stray = Object.keys(flags).filter((k) => !known.has(k));
  if (stray.length) return { yargs: `unknown ${stray.join(', ')}` };
  const argv: Record<string, unknown> = { _: [...commandWords], ...flags };
  const values = rest.map(String);
  for (const p of shape.positionals) {
    if (p.variadic) {
      if (p.required && values.length === 0) return { yargs: `missing ${p.name}` };
      if (values.length) argv[p.name] = values.splice(0);
    } else if (values.length) argv[p.name] = values.shift();
    else if (p.required) return { yargs: `missing ${p.name}` };
    if (!withinChoices(argv[p.name], p.def.choices)) return { yargs: `${p.name} outside its choices` };
  }
  if (values.length) return { yargs: `extra ${values.join(' ')}` };
  for (const [key, def] of shape.options) {
    if (!withinChoices(argv[key], def.choices)) return { yargs: `${key} outside its choices` };
    if (def.demandOption && argv[key] === undefined) return { yargs: `missing --${key}` };
  }
  argv.$0 = 'cms-doctor';
  return { argv };
}
