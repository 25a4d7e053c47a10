import { dirname, resolve } from 'node:path';
import { CmsDoctorError } from '@cms-doctor/core';
import { readRegularFile } from './io.js';
import { validateConfig } from './option-schema.js';

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

/**
 * Largest --config file. A config is a few dozen lines; YAML parsing costs seconds per
 * megabyte on hostile input, so the cap bounds the parse time as well as memory.
 */
export const MAX_CONFIG_BYTES = 256 * 1024;
/** Largest --inventory file: about a thousand deployments. */
export const MAX_INVENTORY_BYTES = 1024 * 1024;

export async function loadYaml(path: string, maxBytes = MAX_CONFIG_BYTES): Promise<unknown> {
  const text = (await readRegularFile(path, maxBytes, 'file')).toString('utf8');
  const { parse } = await import('yaml');
  try {
    // Aliases are kept few: "billion laughs" expands aliases, not bytes.
    return parse(text, { maxAliasCount: 50, uniqueKeys: true }) as unknown;
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
  return resolvePaths(validateConfig(normaliseKeys(doc as ConfigValues), path), dirname(resolve(path)));
}
