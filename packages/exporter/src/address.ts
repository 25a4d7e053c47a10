import { isIP } from 'node:net';
import type { Target } from '@cms-doctor/core';

/** Resolves a name to every address it has (dns.lookup with all: true in production). */
export type ResolveAll = (host: string) => Promise<string[]>;

/** Target fields that name the Expressway-E as clients reach it: the ones a pinned address replaces. */
const EDGE_FIELDS = ['edge', 'turn'] as const;

/** Splits `host[:port]`, `[v6]:port` or a bare IPv6 address. */
export function splitHostPort(value: string): { host: string; port?: string } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracket) return { host: bracket[1] as string, ...(bracket[2] ? { port: bracket[2] } : {}) };
  if (isIP(value) === 6) return { host: value };
  const i = value.lastIndexOf(':');
  return i > 0 ? { host: value.slice(0, i), port: value.slice(i + 1) } : { host: value };
}

const joinHostPort = (host: string, port?: string): string => {
  const h = isIP(host) === 6 ? `[${host}]` : host;
  return port ? `${h}:${port}` : h;
};

/** Every address the deployment's Expressway-E names (edge, turn; else the external name) resolve to. */
export async function edgeAddresses(target: Target, resolveAll: ResolveAll): Promise<string[]> {
  const hosts = new Set<string>();
  for (const f of EDGE_FIELDS) {
    const v = target[f];
    if (typeof v === 'string' && v) hosts.add(splitHostPort(v).host);
  }
  if (hosts.size === 0 && target.external) hosts.add(target.external);
  const out = new Set<string>();
  for (const h of hosts) for (const a of isIP(h) ? [h] : await resolveAll(h)) out.add(a);
  return [...out];
}

/**
 * The target with its Expressway-E fields pointed at one address, so each address a
 * name resolves to can be probed on its own (blackbox_exporter probes only the first).
 * Names stay as they are for SNI and HTTP Host. Returns undefined when `address` is
 * not one the deployment's own names resolve to: the exporter probes nothing else.
 */
export async function pinAddress(target: Target, address: string, resolveAll: ResolveAll): Promise<Target | undefined> {
  if (!isIP(address)) return undefined;
  const known = await edgeAddresses(target, resolveAll);
  if (!known.includes(address)) return undefined;
  const out: Target = { ...target };
  for (const f of EDGE_FIELDS) {
    const v = target[f];
    if (typeof v === 'string' && v) out[f] = joinHostPort(address, splitHostPort(v).port);
  }
  if (!out.edge && !out.turn) out.edge = joinHostPort(address, '443');
  return out;
}
