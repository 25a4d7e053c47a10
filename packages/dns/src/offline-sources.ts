import { followChain, type Lookup, type LookupStatus } from './lookup.js';
import { normaliseName, type DnsRecord, type RecordType } from './record.js';
import { formatServer, sameServer, type DnsServer } from './server-address.js';
import type { DigQuery } from './dig-parse.js';
import type { ZoneRecord } from './zone-parse.js';

/**
 * What a customer's files say a resolver answered: a dig run (per server) or a zone
 * file (authoritative data). Both answer questions in the Lookup shape the live
 * checks use, so the same judges run offline. `undefined`: the files do not tell.
 */
export interface OfflineSource {
  /** `internal`, `external`, or a label when the view is unknown. */
  view: string;
  /** `ip:port` from dig's SERVER line, or the file path. */
  server: string;
  files: string[];
  kind: 'dig' | 'zone';
  /** Apex of a zone file. */
  origin?: string;
  answer(name: string, type: RecordType): Lookup | undefined;
  /** Every record the source holds (answers of dig, records of a zone). */
  records(): DnsRecord[];
}

const statusFromRcode = (rcode: string | undefined, has: boolean): LookupStatus =>
  rcode === undefined || rcode === 'NOERROR'
    ? has
      ? 'answer'
      : 'nodata'
    : rcode === 'NXDOMAIN'
      ? 'nxdomain'
      : rcode === 'SERVFAIL'
        ? 'servfail'
        : rcode === 'REFUSED'
          ? 'refused'
          : 'other-rcode';

/** A dig query as a Lookup for `name`/`type`, or undefined when it asked something else. Pure. */
export function digLookup(q: DigQuery, name: string, type: RecordType, serverLabel: string): Lookup | undefined {
  const want = normaliseName(name);
  const asked = q.question ? q.question.name === want && q.question.type === type : q.answer.some((r) => r.name === want);
  if (!asked) return undefined;
  const base = { server: serverLabel, name: want, type, rttMs: q.queryTimeMs ?? 0, queries: 1 };
  if (q.error !== undefined && q.status === undefined) return { ...base, status: 'timeout', chain: [], records: [], error: q.error };
  const walked = followChain(want, type, q.answer);
  return {
    ...base,
    status: statusFromRcode(q.status, walked.records.length > 0),
    ...(q.status !== undefined ? { rcode: q.status } : {}),
    ...(q.flags.length > 0 ? { aa: q.flags.includes('aa') } : {}),
    chain: walked.chain,
    records: walked.records,
  };
}

/**
 * A name nobody asked for, answered by the records dig printed beside another answer (the
 * ADDITIONAL section of an SRV query, a CNAME chain). Only a chain that ends in records of the
 * type counts: a partial section proves nothing about what the name lacks. Pure.
 */
export function sectionLookup(queries: readonly DigQuery[], name: string, type: RecordType, serverLabel: string): Lookup | undefined {
  const want = normaliseName(name);
  for (let i = queries.length - 1; i >= 0; i--) {
    const q = queries[i] as DigQuery;
    const pool = [...q.answer, ...q.additional];
    if (!pool.some((r) => r.name === want)) continue;
    const walked = followChain(want, type, pool);
    if (walked.records.length === 0) continue;
    return {
      server: serverLabel,
      name: want,
      type,
      status: 'answer',
      rcode: 'NOERROR',
      chain: walked.chain,
      records: walked.records,
      rttMs: 0,
      queries: 0,
    };
  }
  return undefined;
}

export interface DigFile {
  path: string;
  queries: DigQuery[];
}

export interface ViewServers {
  internalDns?: DnsServer;
  externalDns?: DnsServer;
}

/**
 * Groups dig queries by the server that answered (`;; SERVER:`), and names each group's
 * view from the resolvers the user gave. Queries without a SERVER line (`+noall +answer`)
 * form one group per file.
 */
export function digSources(files: readonly DigFile[], views: ViewServers): OfflineSource[] {
  const groups = new Map<string, { server?: DnsServer; label: string; files: Set<string>; queries: DigQuery[] }>();
  for (const f of files) {
    for (const q of f.queries) {
      const key = q.server ? formatServer(q.server) : `file:${f.path}`;
      let g = groups.get(key);
      if (!g) {
        g = { label: q.server ? formatServer(q.server) : f.path, files: new Set(), queries: [], ...(q.server ? { server: q.server } : {}) };
        groups.set(key, g);
      }
      g.files.add(f.path);
      g.queries.push(q);
    }
  }
  return [...groups.values()].map((g) => {
    const view =
      g.server && views.internalDns && sameServer(g.server, views.internalDns)
        ? 'internal'
        : g.server && views.externalDns && sameServer(g.server, views.externalDns)
          ? 'external'
          : g.label;
    return {
      view,
      server: g.label,
      files: [...g.files],
      kind: 'dig' as const,
      answer(name: string, type: RecordType) {
        // The last answer wins: a file usually shows the state after a change.
        for (let i = g.queries.length - 1; i >= 0; i--) {
          const l = digLookup(g.queries[i] as DigQuery, name, type, g.label);
          if (l) return l;
        }
        return sectionLookup(g.queries, name, type, g.label);
      },
      records: () => g.queries.flatMap((q) => q.answer),
    };
  });
}

const within = (name: string, origin: string): boolean => origin === '' || name === origin || name.endsWith(`.${origin}`);

/** A zone file as an authoritative source. */
export function zoneSource(path: string, origin: string | undefined, records: readonly ZoneRecord[]): OfflineSource {
  const apex = origin ?? '';
  return {
    view: path,
    server: path,
    files: [path],
    kind: 'zone',
    ...(origin !== undefined ? { origin } : {}),
    answer(name: string, type: RecordType) {
      const want = normaliseName(name);
      if (!within(want, apex) || origin === undefined) return undefined;
      const walked = followChain(want, type, records);
      const exists = records.some((r) => r.name === want);
      // The chain may leave the zone; an authoritative server would stop there too.
      const status: LookupStatus = walked.records.length > 0 ? 'answer' : exists ? 'nodata' : 'nxdomain';
      return {
        server: path,
        name: want,
        type,
        status,
        rcode: status === 'nxdomain' ? 'NXDOMAIN' : 'NOERROR',
        aa: true,
        chain: walked.chain,
        records: walked.records.map(({ name: n, type: t, ttl, data, srv }) => ({ name: n, type: t, ttl, data, ...(srv ? { srv } : {}) })),
        rttMs: 0,
        queries: 0,
      };
    },
    records: () => records.map(({ line: _line, ...r }) => r),
  };
}
