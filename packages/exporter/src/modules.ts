import { AREAS, CmsDoctorError, type Area } from '@cms-doctor/core';

/** A probe module: which check areas a `/probe?module=<name>` runs. */
export interface ProbeModule {
  name: string;
  /** Areas to run; `undefined` runs every live area. */
  areas?: readonly Area[];
  /** Deadline when Prometheus sends no X-Prometheus-Scrape-Timeout-Seconds header. */
  timeoutSeconds?: number;
}

/**
 * The built-in modules of the contract. `cms` includes `webbridge` because the
 * call bridge <-> web bridge checks read the CMS; `full` runs every live area.
 */
export const DEFAULT_MODULES: ReadonlyMap<string, ProbeModule> = new Map(
  (
    [
      { name: 'turn', areas: ['turn'] },
      { name: 'cert', areas: ['cert'] },
      { name: 'dns', areas: ['dns'] },
      { name: 'cms', areas: ['cms', 'webbridge'] },
      { name: 'full' },
    ] satisfies ProbeModule[]
  ).map((m) => [m.name, m]),
);

const MODULE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const LIVE_AREAS: readonly Area[] = AREAS.filter((a) => a !== 'triage');

/**
 * Reads a module table: `{ modules: { <name>: { areas: [..], timeout: <s> } } }` or the
 * mapping itself. Entries add to (or replace) the built-in modules.
 */
export function parseModules(
  doc: unknown,
  source: string,
  base: ReadonlyMap<string, ProbeModule> = DEFAULT_MODULES,
): Map<string, ProbeModule> {
  const out = new Map(base);
  if (doc === null || doc === undefined) return out;
  const table = isMapping(doc) && 'modules' in doc ? doc.modules : doc;
  if (!isMapping(table))
    throw new CmsDoctorError('CMSD_CONFIG_INVALID', `${source}: modules must be a mapping of name to { areas, timeout }`);
  for (const [name, raw] of Object.entries(table)) {
    if (!MODULE_NAME.test(name))
      throw new CmsDoctorError('CMSD_CONFIG_INVALID', `${source}: module name "${name}" must match ${MODULE_NAME.source}`);
    if (!isMapping(raw)) throw new CmsDoctorError('CMSD_CONFIG_INVALID', `${source}: module ${name} must be a mapping with areas`);
    const areas = raw.areas;
    if (areas !== undefined && !(Array.isArray(areas) && areas.length > 0 && areas.every((a) => LIVE_AREAS.includes(a as Area))))
      throw new CmsDoctorError(
        'CMSD_CONFIG_INVALID',
        `${source}: module ${name}: areas must be a non-empty list of ${LIVE_AREAS.join(', ')}`,
      );
    const timeout = raw.timeout;
    if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0 && timeout <= 300))
      throw new CmsDoctorError('CMSD_CONFIG_INVALID', `${source}: module ${name}: timeout must be seconds between 0 and 300`);
    out.set(name, {
      name,
      ...(areas ? { areas: areas as Area[] } : {}),
      ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
    });
  }
  return out;
}

const isMapping = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
