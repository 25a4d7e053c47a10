import { CmsDoctorError } from '@cms-doctor/core';
import { TARGET_OPTIONS, envName } from './target-options.js';

/**
 * One schema for every option, whichever way it arrives: a flag, a CMS_DOCTOR_*
 * variable or a --config key. A bad value exits 2 naming where it came from.
 * (docs/decisions/option-schema.md: a table, not a schema library.)
 */
export type OptionType =
  | { type: 'string' }
  | { type: 'strings' }
  | { type: 'boolean' }
  | { type: 'integer'; min: number; max: number; what: string }
  | { type: 'seconds'; max: number }
  | { type: 'choice'; choices: readonly string[] }
  | { type: 'url' };

/** Largest --timeout: a day. Beyond it timers overflow (2^31 ms) and no diagnosis needs it. */
export const MAX_TIMEOUT_S = 86_400;

const port = { type: 'integer', min: 1, max: 65_535, what: 'a port number' } as const;

/** Options other than the target ones: output, fleet and triage limits. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionType>> = {
  timeout: { type: 'seconds', max: MAX_TIMEOUT_S },
  format: { type: 'choice', choices: ['text', 'json', 'markdown', 'junit', 'html'] },
  only: { type: 'strings' },
  verbose: { type: 'boolean' },
  color: { type: 'boolean' },
  inventory: { type: 'string' },
  browser: { type: 'boolean' },
  concurrency: { type: 'integer', min: 1, max: 256, what: 'a number of deployments at once' },
  'max-extract-bytes': { type: 'integer', min: 1, max: 2 ** 50, what: 'a number of bytes' },
  'max-extract-entries': { type: 'integer', min: 1, max: 10_000_000, what: 'a number of archive members' },
  'max-kdf-iterations': { type: 'integer', min: 1, max: 100_000_000, what: 'a number of KDF iterations' },
};

const targetType = (o: (typeof TARGET_OPTIONS)[number]): OptionType => {
  if (o.flag === 'cms-api' || o.flag === 'expressway-api') return { type: 'url' };
  if (o.def.type === 'boolean') return { type: 'boolean' };
  if (o.def.type === 'number') return port;
  if (o.def.array) return { type: 'strings' };
  return { type: 'string' };
};

export const OPTION_SCHEMA: Readonly<Record<string, OptionType>> = {
  ...Object.fromEntries(TARGET_OPTIONS.map((o) => [o.flag, targetType(o)])),
  ...GLOBAL_OPTIONS,
};

/** Where a value came from, as the user would name it. */
export type Source = { from: 'flag' } | { from: 'env' } | { from: 'config'; file: string };

export function sourceName(key: string, source: Source): string {
  if (source.from === 'flag') return `--${key}`;
  if (source.from === 'env') return envName(key);
  return `"${key}" in ${source.file}`;
}

const bad = (key: string, source: Source, problem: string): CmsDoctorError =>
  new CmsDoctorError(source.from === 'config' ? 'CMSD_CONFIG_INVALID' : 'CMSD_USAGE', `${sourceName(key, source)} ${problem}`);

const shown = (v: unknown): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return (s ?? String(v)).slice(0, 60);
};

/** A number from a flag (yargs gives NaN for junk), a variable (text) or YAML (number or text). */
function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return undefined;
}

/**
 * Checks one value against the schema and returns it in its proper type.
 * Unknown keys are refused: a typo in a config file must not be silently ignored.
 */
export function validateOption(key: string, value: unknown, source: Source): unknown {
  const spec = OPTION_SCHEMA[key];
  if (!spec) throw bad(key, source, 'is not an option (see cms-doctor --help)');
  switch (spec.type) {
    case 'string':
      // YAML reads `cms-version: 3.8` as a number; a scalar is what is meant.
      if (typeof value === 'string') return value;
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      throw bad(key, source, `must be text, got ${shown(value)}`);
    case 'strings': {
      const list = Array.isArray(value) ? value : [value];
      if (!list.every((x) => typeof x === 'string')) throw bad(key, source, `must be text or a list of text, got ${shown(value)}`);
      return list;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|yes|1)$/i.test(value)) return true;
      if (typeof value === 'string' && /^(false|no|0)$/i.test(value)) return false;
      throw bad(key, source, `must be true or false, got ${shown(value)}`);
    case 'integer': {
      const n = toNumber(value);
      if (n === undefined || !Number.isInteger(n) || n < spec.min || n > spec.max)
        throw bad(key, source, `must be ${spec.what}, a whole number from ${spec.min} to ${spec.max}; got ${shown(value)}`);
      return n;
    }
    case 'seconds': {
      const n = toNumber(value);
      if (n === undefined || !Number.isFinite(n) || n <= 0 || n > spec.max)
        throw bad(key, source, `must be a number of seconds above 0 and at most ${spec.max}; got ${shown(value)}`);
      return n;
    }
    case 'choice':
      if (typeof value === 'string' && spec.choices.includes(value)) return value;
      throw bad(key, source, `must be one of ${spec.choices.join(', ')}; got ${shown(value)}`);
    case 'url': {
      if (typeof value !== 'string') throw bad(key, source, `must be a URL, got ${shown(value)}`);
      let u: URL;
      try {
        u = new URL(value);
      } catch {
        // The value is not echoed: it may hold a password.
        throw bad(key, source, 'must be a URL such as https://host:445');
      }
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw bad(key, source, `must be an https:// URL, not ${u.protocol}`);
      if (u.username !== '' || u.password !== '')
        throw bad(
          key,
          source,
          'must not hold a user or password (they would be echoed in reports and shell history); use the --*-user option and a --*-password-file',
        );
      return value;
    }
  }
}

/** Validates every key of a config mapping (already kebab-cased); `extra` keys are allowed as text. */
export function validateConfig(values: Record<string, unknown>, file: string, extra: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined) continue;
    if (extra.includes(k)) {
      if (typeof v !== 'string' && typeof v !== 'number') throw bad(k, { from: 'config', file }, `must be text, got ${shown(v)}`);
      out[k] = String(v);
    } else out[k] = validateOption(k, v, { from: 'config', file });
  }
  return out;
}

/** Every CMS_DOCTOR_<OPTION> variable that is set, validated. Password variables are not options. */
export function envOptions(env: NodeJS.ProcessEnv, keys: readonly string[] = Object.keys(OPTION_SCHEMA)): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = env[envName(k)];
    if (v !== undefined && v !== '') out[k] = validateOption(k, v, { from: 'env' });
  }
  return out;
}
