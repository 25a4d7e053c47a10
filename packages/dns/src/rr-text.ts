import { isIP } from 'node:net';
import { normaliseName, srvText, type DnsRecord } from './record.js';

/**
 * Presentation-format resource records (RFC 1035 §5.1), shared by the dig and zone
 * parsers. Pure; errors are returned, never thrown.
 */

/** Splits a line into fields: whitespace-separated, quoted strings kept whole, `;` comments dropped. */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === ';') break;
    if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      out.push(line.slice(i, Math.min(j + 1, line.length)));
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < line.length && !' \t\r;"'.includes(line[j] as string)) j += line[j] === '\\' ? 2 : 1;
    out.push(line.slice(i, Math.min(j, line.length)));
    i = j;
  }
  return out;
}

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS', 'ANY', 'NONE']);
const TYPES = new Set([
  'A',
  'AAAA',
  'CNAME',
  'SRV',
  'MX',
  'NS',
  'SOA',
  'TXT',
  'PTR',
  'HINFO',
  'AFSDB',
  'LOC',
  'NAPTR',
  'RP',
  'SPF',
  'CAA',
  'DNSKEY',
  'RRSIG',
  'DS',
  'NSEC',
  'NSEC3',
  'NSEC3PARAM',
  'TLSA',
  'SSHFP',
  'OPT',
  'DNAME',
  'URI',
  'SVCB',
  'HTTPS',
  'CDS',
  'CDNSKEY',
  'ZONEMD',
  'CSYNC',
  'SMIMEA',
  'OPENPGPKEY',
  'KEY',
  'SIG',
  'NXT',
  'WKS',
  'MINFO',
  'MB',
  'MG',
  'MR',
  'NULL',
  'X25',
  'ISDN',
  'RT',
  'NSAP',
  'PX',
  'GPOS',
  'KX',
  'CERT',
  'A6',
  'APL',
  'IPSECKEY',
  'DHCID',
  'HIP',
  'TKEY',
  'TSIG',
  'EUI48',
  'EUI64',
  'AXFR',
  'IXFR',
  'ANY',
]);

export const isClass = (t: string): boolean => CLASSES.has(t.toUpperCase()) || /^CLASS\d+$/i.test(t);
export const isType = (t: string): boolean => TYPES.has(t.toUpperCase()) || /^TYPE\d+$/i.test(t);
/** Seconds, or BIND's `1h30m` / `1w` durations. */
export function parseTtl(t: string): number | undefined {
  if (/^\d+$/.test(t)) return Number(t);
  if (!/^(\d+[wdhms])+$/i.test(t)) return undefined;
  const unit: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
  let total = 0;
  for (const m of t.toLowerCase().matchAll(/(\d+)([wdhms])/g)) total += Number(m[1]) * (unit[m[2] as string] ?? 1);
  return total;
}

export interface RrContext {
  /** Zone origin without the trailing dot, for relative names; undefined in dig output (all names absolute). */
  origin?: string;
  defaultTtl?: number;
}

/** Absolute, normalised form of a name in a record: `@` is the origin, relative names get the origin appended. */
export function absoluteName(name: string, ctx: RrContext): string {
  if (name === '@') return ctx.origin ?? '';
  if (name.endsWith('.') || ctx.origin === undefined || ctx.origin === '') return normaliseName(name);
  return normaliseName(`${name}.${ctx.origin}`);
}

export type RrResult = { ok: true; record: DnsRecord } | { ok: false; message: string };

/**
 * Parses the fields after the owner: `[ttl] [class] type rdata...` (ttl and class in either order).
 */
export function parseRrFields(owner: string, fields: readonly string[], ctx: RrContext): RrResult {
  let i = 0;
  let ttl: number | undefined;
  let seenClass = false;
  for (; i < 2 && i < fields.length; i++) {
    const f = fields[i] as string;
    const asTtl = ttl === undefined && !isType(f) ? parseTtl(f) : undefined;
    if (asTtl !== undefined) {
      ttl = asTtl;
      continue;
    }
    if (!seenClass && isClass(f)) {
      seenClass = true;
      continue;
    }
    break;
  }
  const type = fields[i]?.toUpperCase();
  if (type === undefined || !isType(type))
    return { ok: false, message: `expected a record type, found ${JSON.stringify(fields[i] ?? '(end of line)')}` };
  const rdata = fields.slice(i + 1);
  const name = owner;
  const rec = (data: string, extra: Partial<DnsRecord> = {}): RrResult => ({
    ok: true,
    record: { name, type, ttl: ttl ?? ctx.defaultTtl ?? 0, data, ...extra },
  });
  const need = (n: number): string | undefined =>
    rdata.length < n ? `${type} needs ${n} data field(s), found ${rdata.length}` : undefined;
  switch (type) {
    case 'A':
    case 'AAAA': {
      const addr = rdata[0] ?? '';
      const family = isIP(addr);
      if ((type === 'A' && family !== 4) || (type === 'AAAA' && family !== 6))
        return { ok: false, message: `${type} data is not an IPv${type === 'A' ? 4 : 6} address: ${JSON.stringify(addr)}` };
      return rec(addr.toLowerCase());
    }
    case 'CNAME':
    case 'NS':
    case 'PTR':
    case 'DNAME': {
      const e = need(1);
      return e ? { ok: false, message: e } : rec(absoluteName(rdata[0] as string, ctx));
    }
    case 'MX': {
      const e = need(2);
      if (e) return { ok: false, message: e };
      return rec(`${rdata[0]} ${absoluteName(rdata[1] as string, ctx)}`);
    }
    case 'SRV': {
      const e = need(4);
      if (e) return { ok: false, message: e };
      const [p, w, port] = rdata.slice(0, 3).map((x) => (/^\d+$/.test(x) ? Number(x) : NaN));
      if (![p, w, port].every((n) => n !== undefined && Number.isInteger(n) && n >= 0 && n <= 65535))
        return { ok: false, message: `SRV priority, weight and port must be 0-65535: ${rdata.slice(0, 3).join(' ')}` };
      const target = rdata[3] === '.' ? '.' : absoluteName(rdata[3] as string, ctx);
      const srv = { priority: p as number, weight: w as number, port: port as number, target };
      return rec(srvText(srv), { srv });
    }
    default:
      return rec(rdata.join(' '));
  }
}
