import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CmsDoctorError } from '@cms-doctor/core';

export type ConfigValues = Record<string, unknown>;

/** Accept `internal-dns`, `internalDns` and `internal_dns` alike; keys become kebab-case. */
export const kebab = (key: string): string =>
  key
    .replace(/_/g, '-')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

export function normaliseKeys(values: ConfigValues): ConfigValues {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [kebab(k), v]));
}

/** Options whose values are file paths: relative paths are taken from the config file's folder. */
const PATH_KEYS = new Set(['turn-password-file', 'cms-password-file', 'expressway-password-file', 'cert-password-file', 'ca', 'inventory']);

export function resolvePaths(values: ConfigValues, baseDir: string): ConfigValues {
  const out: ConfigValues = {};
  for (const [k, v] of Object.entries(values)) {
    if (!PATH_KEYS.has(k)) out[k] = v;
    else if (Array.isArray(v)) out[k] = v.map((p) => (typeof p === 'string' ? resolve(baseDir, p) : p));
    else out[k] = typeof v === 'string' ? resolve(baseDir, v) : v;
  }
  return out;
}

export async function loadYaml(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CmsDoctorError('CMSD_INPUT_MISSING', `cannot read ${path}: ${(e as Error).message}`);
  }
  const { parse } = await import('yaml');
  try {
    return parse(text, { maxAliasCount: 50 }) as unknown;
  } catch (e) {
    throw new CmsDoctorError('CMSD_CONFIG_INVALID', `${path} is not valid YAML: ${(e as Error).message}`);
  }
}

/** A config file: a mapping of option names to values. */
export async function loadConfigFile(path: string): Promise<ConfigValues> {
  const doc = await loadYaml(path);
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new CmsDoctorError('CMSD_CONFIG_INVALID', `${path} must be a mapping of option names to values`);
  return resolvePaths(normaliseKeys(doc as ConfigValues), dirname(resolve(path)));
}
