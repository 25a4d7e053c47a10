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
 * Largest --config file. A config is a few dozen lines; the YAML parser costs about
 * 2-8 s per megabyte (measured on a loaded 2-core machine), so the cap bounds the parse
 * time as well as memory.
 */
export const MAX_CONFIG_BYTES = 64 * 1024;
/** Largest --inventory file: about 800 deployments of 15 keys. */
export const MAX_INVENTORY_BYTES = 512 * 1024;
/** Deepest [ ] / { } nesting: the parser recurses, and 50 000 levels exhaust its memory. */
export const MAX_YAML_NESTING = 64;

/** Deepest flow nesting, counted without parsing (brackets inside quotes count too: harmless). */
function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return max;
}

export async function loadYaml(path: string, maxBytes = MAX_CONFIG_BYTES): Promise<unknown> {
  const text = (await readRegularFile(path, maxBytes, 'file')).toString('utf8');
  if (flowDepth(text) > MAX_YAML_NESTING)
    throw new CmsDoctorError('CMSD_CONFIG_INVALID', `${path} nests [ ] or { } deeper than ${MAX_YAML_NESTING} levels`);
  const { parse } = await import('yaml');
  try {
    // Aliases are kept few: "billion laughs" expands aliases, not bytes. uniqueKeys is off:
    // its check is quadratic (28 s for 27 000 keys); a repeated key keeps its last value.
    return parse(text, { maxAliasCount: 50, uniqueKeys: false }) as unknown;
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
