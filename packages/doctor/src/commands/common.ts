import type { Argv } from 'yargs';
import { AREAS, CmsDoctorError, exitCodeFor, type Area, type Report, type Target } from '@cms-doctor/core';
import { chmodSync, writeFileSync } from 'node:fs';
import { FORMATS, createRedaction, render, type Format } from '../render/index.js';
import { TARGET_OPTIONS } from '../target-options.js';
import { loadConfigFile, type ConfigValues } from '../config.js';
import { buildTarget, mergeSources } from '../target.js';
import { useColor, type CliIo } from '../io.js';
import { GLOBAL_OPTIONS, OPTION_SCHEMA, envOptions, validateOption } from '../option-schema.js';
import { createProgress } from '../progress.js';
import { diagnoseLive } from '../diagnose.js';
import { ExitError } from '../exit.js';

export interface GlobalArgs {
  format: Format;
  timeout: number;
  config?: string;
  color?: boolean;
  only?: string[];
  verbose?: boolean;
  progress?: boolean;
  redact?: boolean;
  'redact-map'?: string;
}

export const DEFAULT_TIMEOUT_S = 15;
/** Offline runs read big logs: their default deadline is longer than for live probes. */
export const DEFAULT_TRIAGE_TIMEOUT_S = 600;
/** verify launches Chromium (about a second) and waits for TURN relay candidates: a longer default. */
export const DEFAULT_VERIFY_TIMEOUT_S = 30;

/** The config file's values, loaded once by the option middleware. */
const CONFIG = Symbol('config');

/**
 * Fills the report options flag > CMS_DOCTOR_<OPTION> > --config key > default, and checks
 * every value, whatever its source, against the one option schema (exit 2 naming it).
 */
export async function resolveOptionSources(argv: Record<string | symbol, unknown>, env: NodeJS.ProcessEnv): Promise<void> {
  const config = typeof argv.config === 'string' ? await loadConfigFile(argv.config) : {};
  argv[CONFIG] = config;
  for (const key of Object.keys(OPTION_SCHEMA)) if (argv[key] !== undefined) argv[key] = validateOption(key, argv[key], { from: 'flag' });
  // Target variables are read later by mergeSources; checked here so a bad one stops the run first.
  const fromEnv = envOptions(env);
  const command = Array.isArray(argv._) ? String(argv._[0]) : '';
  const defaults: Record<string, unknown> = {
    timeout: command === 'triage' ? DEFAULT_TRIAGE_TIMEOUT_S : command === 'verify' ? DEFAULT_VERIFY_TIMEOUT_S : DEFAULT_TIMEOUT_S,
    format: 'text',
  };
  for (const key of Object.keys(GLOBAL_OPTIONS)) {
    if (argv[key] !== undefined) continue;
    const v = fromEnv[key] ?? config[key] ?? defaults[key];
    if (v !== undefined) argv[key] = v;
  }
}

/** The options every reporting command takes. `io` gives the environment (process.env without it). */
export function withReportOptions<T>(y: Argv<T>, io?: CliIo): Argv<T & GlobalArgs> {
  return y
    .option('format', { choices: FORMATS, describe: 'Output format (default text)', group: 'Output:' })
    .option('timeout', {
      type: 'number',
      describe: `Overall deadline in seconds, at most 86400 (default ${DEFAULT_TIMEOUT_S}; verify ${DEFAULT_VERIFY_TIMEOUT_S}; triage ${DEFAULT_TRIAGE_TIMEOUT_S})`,
      group: 'Output:',
    })
    .option('config', { type: 'string', describe: 'YAML file with target options (keys as the flags)', group: 'Output:' })
    .option('color', {
      type: 'boolean',
      describe: 'Colour output (--no-color to disable; NO_COLOR and FORCE_COLOR are honoured)',
      group: 'Output:',
    })
    .option('only', {
      type: 'string',
      array: true,
      describe: `Only these areas: ${AREAS.join(', ')} (comma or space separated)`,
      group: 'Output:',
    })
    .option('verbose', {
      type: 'boolean',
      alias: 'v',
      describe: 'Show notes, the evidence of passing checks and all evidence of problems',
      group: 'Output:',
    })
    .option('progress', {
      type: 'boolean',
      describe: 'Per-check progress lines on stderr even when it is not a terminal (a terminal always shows a spinner)',
      group: 'Output:',
    })
    .option('redact', {
      type: 'boolean',
      describe:
        'Replace host names, domains, addresses, user and space names and call ids by consistent tokens (host-1.domain-1, ip-1, user-1)',
      group: 'Output:',
    })
    .option('redact-map', {
      type: 'string',
      describe: 'Redact (implies --redact) and write the original -> token mapping to this local file (mode 0600); never printed',
      group: 'Output:',
    })
    .middleware(async (argv) => resolveOptionSources(argv as Record<string | symbol, unknown>, io?.env ?? process.env)) as unknown as Argv<
    T & GlobalArgs
  >;
}

export function withTargetOptions<T>(y: Argv<T>): Argv<T> {
  let out = y;
  for (const o of TARGET_OPTIONS) out = out.option(o.flag, o.def) as Argv<T>;
  return out;
}

export function parseOnly(only: readonly string[] | undefined): Area[] | undefined {
  if (!only || only.length === 0) return undefined;
  const areas = only
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = areas.filter((a) => !(AREAS as readonly string[]).includes(a));
  if (bad.length) throw new CmsDoctorError('CMSD_USAGE', `--only takes ${AREAS.join(', ')}; not ${bad.join(', ')}`);
  return areas as Area[];
}

/** Only the target flags the user typed (yargs adds camelCase twins; keep the kebab names). */
export function typedFlags(argv: Record<string, unknown>): ConfigValues {
  const out: ConfigValues = {};
  for (const o of TARGET_OPTIONS) if (argv[o.flag] !== undefined) out[o.flag] = argv[o.flag];
  return out;
}

/** Flags > CMS_DOCTOR_* variables > --config file. */
export async function resolveTarget(argv: Record<string, unknown>, io: CliIo, extra: ConfigValues = {}): Promise<Target> {
  const loaded = (argv as Record<symbol, unknown>)[CONFIG] as ConfigValues | undefined;
  const config = loaded ?? (typeof argv.config === 'string' ? await loadConfigFile(argv.config) : {});
  const merged = mergeSources({ ...typedFlags(argv), ...extra }, io.env, config);
  refusePlainHttp(merged);
  for (const key of ['cms-api', 'expressway-api'])
    if (typeof merged[key] === 'string' && /^http:/i.test(merged[key]))
      io.stderr(`cms-doctor: warning: --${key} is plain http://; with --insecure the API password is sent in clear\n`);
  return buildTarget(merged, io.env, { interactive: io.stdinTty && io.stderrTty, prompt: (q) => io.prompt(q) });
}

/**
 * An http:// API URL would send Basic credentials in clear: refused unless the user opts in
 * with --insecure, which every report then shows.
 */
export function refusePlainHttp(values: ConfigValues): void {
  const insecure = values.insecure === true || values.insecure === 'true';
  for (const key of ['cms-api', 'expressway-api'])
    if (typeof values[key] === 'string' && /^http:/i.test(values[key]) && !insecure)
      throw new ExitError(
        2,
        `--${key} is plain http://: the API password would cross the network in clear. Use https://, or add --insecure to send it anyway (the report says so)`,
      );
}

export async function runLive(target: Target, argv: GlobalArgs, io: CliIo, only?: readonly Area[], browser = false): Promise<Report> {
  const progress = await createProgress(io, argv);
  try {
    return await diagnoseLive(target, {
      timeoutMs: argv.timeout * 1000,
      ...(only ? { only } : {}),
      ...(browser ? { browser } : {}),
      onStart: (c) => progress.onStart(c),
      onSettled: (r) => progress.onSettled(r),
    });
  } finally {
    progress.stop();
  }
}

/** Prints the report (redacted with --redact) and throws the exit code the contract gives it. */
export function emit(report: Report, argv: GlobalArgs, io: CliIo): never {
  const redaction = argv.redact || argv['redact-map'] ? createRedaction() : undefined;
  const text = render(report, argv.format, {
    color: argv.format === 'text' && useColor(io, argv.color),
    verbose: argv.verbose ?? false,
    ...(redaction ? { redaction } : {}),
  });
  if (redaction && argv['redact-map']) writeRedactionMap(argv['redact-map'], redaction.map());
  io.stdout(text);
  throw new ExitError(exitCodeFor(report));
}

/** The mapping only goes to the file the user named, readable by them alone. */
export function writeRedactionMap(path: string, map: Record<string, string>): void {
  try {
    writeFileSync(path, JSON.stringify(map, null, 2) + '\n', { mode: 0o600 });
    // An existing file keeps its mode on write: narrow it too.
    chmodSync(path, 0o600);
  } catch (e) {
    throw new ExitError(2, `--redact-map ${path}: ${(e as Error).message}`);
  }
}

export function checkTimeout(argv: GlobalArgs): void {
  argv.timeout = validateOption('timeout', argv.timeout ?? DEFAULT_TIMEOUT_S, { from: 'flag' }) as number;
}
