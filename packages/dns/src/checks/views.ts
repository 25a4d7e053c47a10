import { CmsDoctorError, remainingMs, type CheckContext, type TriageFile } from '@cms-doctor/core';
import { parseServer, type DnsServer } from '../server-address.js';
import { systemResolver } from '../system-resolver.js';
import type { View } from '../views.js';
import type { QueryOptions } from '../query.js';
import { parseDig } from '../dig-parse.js';
import { parseZone } from '../zone-parse.js';
import { digSources, zoneSource, type OfflineSource } from '../offline-sources.js';

/** The views a live check asks: internal when named, external as named or the system resolver. */
export async function liveViews(ctx: CheckContext): Promise<{ views: View[]; externalIsSystem: boolean }> {
  const views: View[] = [];
  if (ctx.target.internalDns) views.push({ name: 'internal', server: parseServer(ctx.target.internalDns) });
  let external: DnsServer | undefined = ctx.target.externalDns ? parseServer(ctx.target.externalDns) : undefined;
  const externalIsSystem = external === undefined;
  external ??= await systemResolver();
  if (external) views.push({ name: 'external', server: external });
  if (views.length === 0) throw new CmsDoctorError('CMSD_INPUT_MISSING', 'no resolver to ask: give --internal-dns or --external-dns');
  return { views, externalIsSystem };
}

/** Per-query deadline inside the check's budget, leaving room for a CNAME hop. */
export function queryOptions(ctx: CheckContext): QueryOptions {
  const budget = remainingMs(ctx.deadline);
  return { signal: ctx.signal, timeoutMs: Math.max(250, Math.min(3000, Math.floor(budget / 2) - 50)) };
}

/** The user's resolvers, for naming the view of a dig file by its SERVER line. Bad input is ignored offline. */
function viewServers(ctx: CheckContext): { internalDns?: DnsServer; externalDns?: DnsServer } {
  const parse = (s: string | undefined): DnsServer | undefined => {
    try {
      return s ? parseServer(s) : undefined;
    } catch {
      return undefined;
    }
  };
  const internalDns = parse(ctx.target.internalDns);
  const externalDns = parse(ctx.target.externalDns);
  return { ...(internalDns ? { internalDns } : {}), ...(externalDns ? { externalDns } : {}) };
}

/**
 * Parses the bundle's dig and zone files into offline sources. With `reject` (one check
 * of the run does it), files with nothing usable are listed as unreadable.
 */
export async function offlineSources(ctx: CheckContext, opts: { reject: boolean }): Promise<OfflineSource[]> {
  const reject = (f: TriageFile, what: string, first: { line: number; message: string } | undefined): void => {
    if (opts.reject) f.reject(`${what}${first ? ` (line ${first.line}: ${first.message})` : ''}`);
  };
  const digs = await Promise.all(
    ctx.files('dig').map(async (f) => {
      const parsed = parseDig(await f.text());
      if (parsed.queries.length === 0) return reject(f, 'no dig query found', parsed.errors[0]);
      return { path: f.path, queries: parsed.queries };
    }),
  );
  const zones = await Promise.all(
    ctx.files('zone').map(async (f) => {
      const parsed = parseZone(await f.text());
      if (parsed.records.length === 0) return reject(f, 'no record found', parsed.errors[0]);
      return zoneSource(f.path, parsed.origin, parsed.records);
    }),
  );
  return [
    ...digSources(
      digs.filter((d) => d !== undefined),
      viewServers(ctx),
    ),
    ...zones.filter((z) => z !== undefined),
  ];
}
