import { CmsDoctorError, remainingMs, type CheckContext, type TriageFile } from '@cms-doctor/core';
import { parseServer, type DnsServer } from '../server-address.js';
import { systemResolver } from '../system-resolver.js';
import type { View } from '../views.js';
import type { QueryOptions } from '../query.js';
import { parseDig, type DigParse } from '../dig-parse.js';
import { originFromFileName, parseZone } from '../zone-parse.js';
import { parseNslookup } from '../nslookup-parse.js';
import { parseHost } from '../host-parse.js';
import { parseNamedConf, type ConfZone, type NamedConf } from '../named-conf.js';
import { decodeText } from '@cms-doctor/core';
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
  const readers: readonly [string, (text: string) => DigParse][] = [
    ['dig', parseDig],
    ['nslookup', parseNslookup],
    ['host', parseHost],
  ];
  const digs = await Promise.all(
    readers.flatMap(([kind, parse]) =>
      ctx.files(kind).map(async (f) => {
        const parsed = parse(await fileText(f));
        if (parsed.queries.length === 0) return reject(f, `no ${kind} answer found`, parsed.errors[0]);
        return { path: f.path, queries: parsed.queries };
      }),
    ),
  );
  const confs = await Promise.all(ctx.files('named-conf').map(async (f) => parseNamedConf(await fileText(f))));
  const zones = await Promise.all(
    ctx.files('zone').map(async (f) => {
      const text = await fileText(f);
      const conf = confZone(confs, f.path);
      // Without $ORIGIN the zone is named by named.conf, else by its SOA owner, else by the file name.
      let parsed = parseZone(text, conf ? { origin: conf.zone.name } : {});
      if (!conf && !parsed.origin) {
        const guess = originFromFileName(f.path);
        if (guess) parsed = parseZone(text, { origin: guess });
      }
      if (parsed.records.length === 0) return reject(f, 'no record found', parsed.errors[0]);
      const source = zoneSource(f.path, parsed.origin ?? (conf ? conf.zone.name : undefined), parsed.records);
      return conf?.side ? { ...source, view: conf.side } : source;
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

/** The file's text, whatever Windows encoded it in (UTF-16, BOM). */
async function fileText(f: TriageFile): Promise<string> {
  return decodeText(await f.bytes()) ?? '';
}

const baseName = (p: string): string => p.split(/[\\/!]/).pop() ?? p;

/**
 * The zone statement of a named.conf among the inputs whose `file` is this zone file (by base
 * name), and the side of its view. Zones shared into another view (`in-view`) keep their own view.
 */
export function confZone(confs: readonly NamedConf[], path: string): { zone: ConfZone; side?: 'internal' | 'external' } | undefined {
  const base = baseName(path);
  for (const c of confs) {
    for (const v of c.views) {
      const z = v.zones.find((x) => x.file !== undefined && baseName(x.file) === base);
      if (z) return { zone: z, ...(v.side ? { side: v.side } : {}) };
    }
    const z = c.zones.find((x) => x.file !== undefined && baseName(x.file) === base);
    if (z) return { zone: z };
  }
  return undefined;
}
