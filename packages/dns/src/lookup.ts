import { describeError, isCmsDoctorError } from '@cms-doctor/core';
import { query, type DnsResponse, type QueryOptions } from './query.js';
import { formatServer, type DnsServer } from './server-address.js';
import { normaliseName, type DnsRecord, type RecordType } from './record.js';

/** How a lookup ended. `timeout` and `error` mean the resolver did not give a usable answer. */
export type LookupStatus = 'answer' | 'nodata' | 'nxdomain' | 'servfail' | 'refused' | 'other-rcode' | 'timeout' | 'error';

export interface CnameLink {
  name: string;
  target: string;
  ttl: number;
}

/** One name and type asked of one resolver, CNAMEs followed. Plain data: used as evidence as-is. */
export interface Lookup {
  server: string;
  name: string;
  type: RecordType;
  status: LookupStatus;
  /** rcode of the last response (absent when there was none). */
  rcode?: string;
  /** AA flag of the last response. */
  aa?: boolean;
  transport?: 'udp' | 'tcp';
  truncatedOverUdp?: boolean;
  /** The CNAME chain from `name` to the owner of `records`, in order. */
  chain: CnameLink[];
  /** Records of `type` at the end of the chain. */
  records: DnsRecord[];
  /** Milliseconds for all queries of this lookup. */
  rttMs: number;
  /** Queries made: 1, or more when an answer stopped at a CNAME. */
  queries: number;
  error?: string;
}

const MAX_CHAIN = 8;

const statusOf = (rcode: string, hasRecords: boolean): LookupStatus => {
  switch (rcode) {
    case 'NOERROR':
      return hasRecords ? 'answer' : 'nodata';
    case 'NXDOMAIN':
      return 'nxdomain';
    case 'SERVFAIL':
      return 'servfail';
    case 'REFUSED':
      return 'refused';
    default:
      return 'other-rcode';
  }
};

/**
 * Walks a response's answer section from `name` through CNAMEs. Pure.
 * Returns the chain and the records of `type` owned by the chain's end.
 */
export function followChain(
  name: string,
  type: RecordType,
  answers: readonly DnsRecord[],
  chain: CnameLink[] = [],
): { chain: CnameLink[]; records: DnsRecord[]; end: string } {
  let current = normaliseName(name);
  const seen = new Set([current, ...chain.map((c) => c.name)]);
  const links = [...chain];
  for (let i = 0; i < MAX_CHAIN; i++) {
    if (type !== 'CNAME') {
      const recs = answers.filter((r) => r.name === current && r.type === type);
      if (recs.length > 0) return { chain: links, records: recs, end: current };
    }
    const cname = answers.find((r) => r.name === current && r.type === 'CNAME');
    if (!cname) break;
    if (type === 'CNAME') return { chain: links, records: [cname], end: current };
    if (seen.has(cname.data)) break; // a loop: stop, the chain shows it
    links.push({ name: current, target: cname.data, ttl: cname.ttl });
    seen.add(cname.data);
    current = cname.data;
  }
  return { chain: links, records: [], end: current };
}

/**
 * Resolves `name`/`type` at one resolver, following CNAMEs the resolver did not
 * follow itself (an authoritative-only server answers the CNAME alone). Never throws:
 * a timeout or network error becomes status `timeout`/`error` with the reason.
 */
export async function lookup(server: DnsServer, name: string, type: RecordType, opts: QueryOptions = {}): Promise<Lookup> {
  const base = { server: formatServer(server), name: normaliseName(name), type };
  let chain: CnameLink[] = [];
  let target = base.name;
  let last: DnsResponse | undefined;
  let rttMs = 0;
  let queries = 0;
  try {
    for (let hop = 0; hop <= MAX_CHAIN; hop++) {
      last = await query(server, target, type, opts);
      queries++;
      rttMs += last.rttMs;
      const walked = followChain(target, type, last.answers, chain);
      chain = walked.chain;
      const status = statusOf(last.rcode, walked.records.length > 0);
      const stoppedAtCname = walked.records.length === 0 && walked.end !== target && last.rcode === 'NOERROR';
      if (!stoppedAtCname || walked.chain.length > MAX_CHAIN) {
        return {
          ...base,
          status,
          rcode: last.rcode,
          aa: last.aa,
          transport: last.transport,
          ...(last.truncatedOverUdp ? { truncatedOverUdp: true } : {}),
          chain,
          records: walked.records,
          rttMs,
          queries,
        };
      }
      target = walked.end;
    }
  } catch (e) {
    const timedOut = isCmsDoctorError(e) && e.code === 'CMSD_TIMEOUT';
    return { ...base, status: timedOut ? 'timeout' : 'error', chain, records: [], rttMs, queries, error: describeError(e) };
  }
  return {
    ...base,
    status: 'other-rcode',
    rcode: last?.rcode,
    chain,
    records: [],
    rttMs,
    queries,
    error: 'CNAME chain too long',
  } as Lookup;
}

/** Did the resolver answer at all (any rcode)? */
export const answered = (l: Lookup): boolean => l.status !== 'timeout' && l.status !== 'error';

/** Addresses (A and AAAA data) of some lookups, sorted and de-duplicated. */
export function addressesOf(lookups: readonly Lookup[]): string[] {
  const set = new Set<string>();
  for (const l of lookups) for (const r of l.records) if (r.type === 'A' || r.type === 'AAAA') set.add(r.data.toLowerCase());
  return [...set].sort();
}
