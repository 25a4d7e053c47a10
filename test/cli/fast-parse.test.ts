import fc from 'fast-check';
import type { Argv, CommandModule, Options } from 'yargs';
import { fullParser } from '../../packages/doctor/src/cli.js';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../packages/doctor/src/commands/registry.js';
import { recordCommand, type CommandShape } from '../../packages/doctor/src/parse/command-shape.js';
import { fastParse } from '../../packages/doctor/src/parse/fast-parse.js';
import { leafCommand } from '../../packages/doctor/src/parse/fast-dispatch.js';
import { bufferedIo } from '../../packages/doctor/src/io.js';

// The fast path must hand a command's handler exactly what yargs hands it, or step aside: every
// command line here goes through both, and they must agree (packages/doctor/src/parse/).

const { io } = bufferedIo();

type Outcome = { argv: Record<string, unknown> } | { error: string };

/** The module with every handler (its subcommands' too) replaced by one that records argv. */
function capturing(module: CommandModule, seen: { argv?: Record<string, unknown> }): CommandModule {
  const builder = module.builder;
  return {
    ...module,
    builder:
      typeof builder === 'function'
        ? (y: Argv) => {
            const command = y.command.bind(y) as (m: CommandModule) => Argv;
            (y as unknown as { command: (m: CommandModule) => Argv }).command = (m) => command(capturing(m, seen));
            return builder(y);
          }
        : builder,
    handler: (argv) => {
      seen.argv = { ...argv };
    },
  };
}

async function viaYargs(args: string[]): Promise<Outcome> {
  const seen: { argv?: Record<string, unknown> } = {};
  const commands = await Promise.all(COMMANDS.map(async (c) => capturing((await c.load())(io), seen)));
  try {
    await (await fullParser(args, io, commands)).parseAsync(args, {}, () => {});
  } catch (e) {
    return { error: (e as Error).message };
  }
  return seen.argv ? { argv: seen.argv } : { error: 'no handler ran' };
}

/** undefined: the fast path stepped aside. */
async function viaFastPath(args: string[]): Promise<Outcome | undefined> {
  const leaf = await leafCommand(args, io);
  if (!leaf) return undefined;
  const { shape, words, rest } = leaf;
  const parsed = fastParse(shape, words, rest);
  if (!('argv' in parsed)) return undefined;
  try {
    for (const m of shape.middlewares) await m(parsed.argv);
  } catch (e) {
    return { error: (e as Error).message };
  }
  return { argv: parsed.argv };
}

async function agree(args: string[]): Promise<'fast' | 'yargs'> {
  const fast = await viaFastPath(args);
  const slow = await viaYargs(args);
  if (fast === undefined) return 'yargs';
  // Where the fast path answers, yargs accepts the line and gives the same argv (or the same refusal).
  expect(slow, args.join(' ')).toEqual(fast);
  return 'fast';
}

const LINES = [
  'triage a.log',
  'triage a.log b.pcap --format json',
  'triage a.log --format=json --only dns,turn cert -v',
  'triage a.log --no-color --progress --verbose',
  'triage a.log --timeout 5 --max-extract-bytes 100 --max-extract-entries 7 --max-kdf-iterations 9',
  'triage a.log --external cmsweb.example.com --internal-dns 127.0.0.1:53 --turn-tcp-expected --turn-tls-port 443',
  'triage a.log --redact-map map.json --redact',
  'triage a.log --timeout 999999',
  'triage a.log --format json --format text',
  'run --external cmsweb.example.com --edge 127.0.0.1:8443 --concurrency 2',
  'run --inventory fleet.yaml --format json --only turn',
  'probe turn 127.0.0.1:3478 --transport udp tcp --user u --password-file p',
  'probe turn 127.0.0.1 --transport=tls --turn-tcp-expected --media-port-range 24000-29999',
  'probe dns cmsweb.example.com --internal-dns 127.0.0.1 --expect-internal 127.0.0.2',
  'probe cert 127.0.0.1:443 --name cmsweb.example.com --format json',
  'explain turn-credentials',
  'checks',
  'checks --format json',
  'checks --format=text --color',
  'lab --scenario healthy --for 1',
  'lab --list',
  'demo --scenario turn-wrong-password',
  'serve --inventory fleet.yaml --listen 127.0.0.1:0 --concurrency 2',
  'verify --external cmsweb.example.com --edge 127.0.0.1:8443 --format json',
];

const REFUSED = [
  'triage',
  'triage a.log --bogus',
  'triage a.log --format yaml',
  'triage a.log --help',
  'triage a.log -- --format json',
  'probe turn',
  'probe turn a b',
  'probe nothing x',
  'probe',
  'explain a b',
  'checks --format html',
  'serve',
  'triage a.log --version',
  'triage a.log -vh',
];

describe('the fast parser agrees with yargs', () => {
  it('on the command lines of the docs and tests', async () => {
    for (const line of LINES) expect(await agree(line.split(' ')), line).toBe('fast');
  });

  it('steps aside for help, version, unknown flags, bad choices and missing or extra positionals', async () => {
    for (const line of REFUSED) expect(await viaFastPath(line.split(' ')), line).toBeUndefined();
  });

  it('on random command lines built from the declared options', async () => {
    const shapes = await Promise.all(COMMANDS.map(async (c) => recordCommand((await c.load())(io))));
    const leaves = shapes.flatMap((s) =>
      s.subcommands.size
        ? [...s.subcommands.values()].map((m) => ({ words: [s.name, recordCommand(m).name], shape: recordCommand(m) }))
        : [{ words: [s.name], shape: s }],
    );
    const anyValue = fc.oneof(
      fc.constantFrom('1', '0', '2.5', 'x', 'json', 'text', 'udp', 'dns,turn', '-1', 'true', 'false', ''),
      fc.string({ maxLength: 6 }),
    );
    /** A value of the option's kind most of the time, anything now and then. */
    const valueFor = (def: Options): fc.Arbitrary<string> => {
      const typed =
        def.choices !== undefined
          ? fc.constantFrom(...(def.choices as readonly unknown[]).map(String))
          : def.type === 'number'
            ? fc.constantFrom('1', '0', '2.5', '-1', '1e3')
            : fc.constantFrom('a', '127.0.0.1:3478', 'x.example.com', 'dns,turn');
      return fc.oneof({ arbitrary: typed, weight: 4 }, { arbitrary: anyValue, weight: 1 });
    };
    /** One flag as a user may type it: declared (mostly) or not, `--k v`, `--k=v`, `--no-k`, `-k`. */
    const flagOf = (shape: CommandShape): fc.Arbitrary<string[]> => {
      const stray = fc.tuple(fc.constantFrom('--no-such-flag', '-v', '-h', '--', '-x'), anyValue).map(([f, v]) => [f, v]);
      if (shape.options.size === 0) return stray;
      return fc.oneof(
        {
          weight: 6,
          arbitrary: fc
            .constantFrom(...shape.options.entries())
            .chain(([key, def]) =>
              def.type === 'boolean'
                ? fc.constantFrom([`--${key}`], [`--no-${key}`], [`--${key}=true`], [`--${key}=false`], [`--${key}`, 'maybe'])
                : fc.tuple(fc.boolean(), valueFor(def)).map(([eq, v]) => (eq ? [`--${key}=${v}`] : [`--${key}`, v])),
            ),
        },
        { weight: 1, arbitrary: stray },
      );
    };
    /** As many positionals as the command declares most of the time, any number (0-3) now and then. */
    const positionalsFor = (shape: CommandShape): fc.Arbitrary<string[]> => {
      const word = fc.constantFrom('a.log', 'b', '127.0.0.1:3478');
      const declared = shape.positionals.length;
      const variadic = shape.positionals.some((p) => p.variadic);
      return fc.oneof(
        { weight: 4, arbitrary: fc.array(word, { minLength: declared, maxLength: variadic ? declared + 2 : declared }) },
        { weight: 1, arbitrary: fc.array(word, { maxLength: 3 }) },
      );
    };
    let fast = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 0, max: leaves.length - 1 })
          .chain((i) =>
            fc.tuple(fc.constant(leaves[i]!), fc.array(flagOf(leaves[i]!.shape), { maxLength: 5 }), positionalsFor(leaves[i]!.shape)),
          ),
        async ([leaf, flags, positionals]) => {
          if ((await agree([...leaf.words, ...positionals, ...flags.flat()])) === 'fast') fast++;
        },
      ),
      { numRuns: Number(process.env.FAST_PARSE_RUNS ?? 400) },
    );
    // The property says something only if the fast path answered a fair share of the lines.
    expect(fast).toBeGreaterThan(120);
  }, 120_000);
});
