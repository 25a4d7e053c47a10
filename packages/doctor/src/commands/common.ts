import type { Argv } from 'yargs';
import { AREAS, CmsDoctorError, exitCodeFor, type Area, type Report, type Target } from '@cms-doctor/core';
import { FORMATS, render, type Format } from '../render/index.js';
import { TARGET_OPTIONS, FORBIDDEN_FLAGS } from '../target-options.js';
import { loadConfigFile, type ConfigValues } from '../config.js';
import { buildTarget, mergeSources } from '../target.js';
import { useColor, type CliIo } from '../io.js';
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
}

export const DEFAULT_TIMEOUT_S = 15;

/** The options every reporting command takes. */
export function withReportOptions<T>(y: Argv<T>): Argv<T & GlobalArgs> {
  return y
    .option('format', { choices: FORMATS, default: 'text' as Format, describe: 'Output format', group: 'Output:' })
    .option('timeout', { type: 'number', default: DEFAULT_TIMEOUT_S, describe: 'Overall deadline in seconds', group: 'Output:' })
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
    }) as unknown as Argv<T & GlobalArgs>;
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

export function refuseArgvPasswords(raw: readonly string[]): void {
  for (const a of raw) {
    const name = a.replace(/^--?/, '').split('=')[0] ?? '';
    if (a.startsWith('-') && FORBIDDEN_FLAGS.includes(name))
      throw new ExitError(
        2,
        `passwords are never taken from the command line (--${name}); use a --*-password-file or the CMS_DOCTOR_*_PASSWORD variable`,
      );
  }
}

/** Flags > CMS_DOCTOR_* variables > --config file. */
export async function resolveTarget(argv: Record<string, unknown>, io: CliIo, extra: ConfigValues = {}): Promise<Target> {
  const config = typeof argv.config === 'string' ? await loadConfigFile(argv.config) : {};
  const merged = mergeSources({ ...typedFlags(argv), ...extra }, io.env, config);
  return buildTarget(merged, io.env, { interactive: io.stdinTty && io.stderrTty, prompt: (q) => io.prompt(q) });
}

export async function runLive(target: Target, argv: GlobalArgs, io: CliIo, only?: readonly Area[]): Promise<Report> {
  const progress = await createProgress(io, argv);
  try {
    return await diagnoseLive(target, {
      timeoutMs: argv.timeout * 1000,
      ...(only ? { only } : {}),
      onStart: (c) => progress.onStart(c),
      onSettled: (r) => progress.onSettled(r),
    });
  } finally {
    progress.stop();
  }
}

/** Prints the report and throws the exit code the contract gives it. */
export function emit(report: Report, argv: GlobalArgs, io: CliIo): never {
  io.stdout(render(report, argv.format, { color: argv.format === 'text' && useColor(io, argv.color), verbose: argv.verbose ?? false }));
  throw new ExitError(exitCodeFor(report));
}

export function checkTimeout(argv: GlobalArgs): void {
  if (!Number.isFinite(argv.timeout) || argv.timeout <= 0) throw new ExitError(2, '--timeout must be a positive number of seconds');
}
