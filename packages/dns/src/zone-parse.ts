import { normaliseName, type DnsRecord } from './record.js';
import { absoluteName, parseRrFields, parseTtl, tokenize, type RrContext } from './rr-text.js';
import type { ParseIssue } from './dig-parse.js';
import { tidyLines } from './human-text.js';

const ZONE_SUFFIX = /\.(?:db|zone|hosts|signed|in|txt|conf|fwd|rev)$/i;

/**
 * The zone a file name suggests when the file says nothing (no $ORIGIN, SOA owner `@`):
 * `example.net.db`, `db.example.net`, `example.nil.db.in` -> `example.net`, `example.net`, `example.nil`.
 */
export function originFromFileName(path: string): string | undefined {
  let base = path.split(/[\\/!]/).pop() ?? '';
  while (ZONE_SUFFIX.test(base)) base = base.replace(ZONE_SUFFIX, '');
  base = base.replace(/^(?:db|zone|pri|sec)\./i, '');
  return /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/i.test(base) ? base.toLowerCase() : undefined;
}

export interface ZoneRecord extends DnsRecord {
  /** 1-based line where the record starts. */
  line: number;
}

export interface ZoneParse {
  /** The first $ORIGIN or SOA owner: the zone's apex. */
  origin?: string;
  records: ZoneRecord[];
  errors: ParseIssue[];
}

/** Joins parenthesised multi-line records; keeps the starting line number. Comments and quotes respected. */
function logicalLines(text: string): { line: number; text: string; indented: boolean }[] {
  const out: { line: number; text: string; indented: boolean }[] = [];
  let open = 0;
  let acc: { line: number; text: string; indented: boolean } | undefined;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const raw = (lines[n] as string).replace(/\r$/, '');
    // Strip the comment (outside quotes) before counting parentheses.
    let body = '';
    let inQuote = false;
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i] as string;
      if (c === '\\' && inQuote) {
        body += c + (raw[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === '"') inQuote = !inQuote;
      if (c === ';' && !inQuote) break;
      body += c;
    }
    if (acc) acc.text += ' ' + body;
    else acc = { line: n + 1, text: body, indented: /^[ \t]/.test(raw) };
    for (const c of body.replace(/"(?:[^"\\]|\\.)*"?/g, '')) {
      if (c === '(') open++;
      else if (c === ')') open = Math.max(0, open - 1);
    }
    if (open === 0) {
      out.push({ ...acc, text: acc.text.replace(/[()]/g, ' ') });
      acc = undefined;
    }
  }
  if (acc) out.push({ ...acc, text: acc.text.replace(/[()]/g, ' ') });
  return out;
}

/**
 * Parses a BIND-style master file (RFC 1035 §5): $ORIGIN, $TTL, `@`, relative names,
 * blank owners inheriting the previous one, multi-line records in parentheses.
 * Pure; never throws. $INCLUDE and $GENERATE are reported, not followed.
 */
export function parseZone(text: string, opts: { origin?: string } = {}): ZoneParse {
  text = tidyLines(text).join('\n');
  const records: ZoneRecord[] = [];
  const errors: ParseIssue[] = [];
  const ctx: RrContext = opts.origin !== undefined ? { origin: normaliseName(opts.origin) } : {};
  let apex: string | undefined;
  let lastOwner: string | undefined;
  for (const l of logicalLines(text)) {
    const fields = tokenize(l.text);
    if (fields.length === 0) continue;
    const first = fields[0] as string;
    if (first.startsWith('$')) {
      const d = first.toUpperCase();
      if (d === '$ORIGIN' && fields[1]) {
        ctx.origin = absoluteName(fields[1], ctx);
        apex ??= ctx.origin || undefined;
      } else if (d === '$TTL' && fields[1] && parseTtl(fields[1]) !== undefined) {
        ctx.defaultTtl = parseTtl(fields[1]);
      } else if (d === '$INCLUDE' || d === '$GENERATE') {
        errors.push({ line: l.line, message: `${d} is not followed` });
      } else {
        errors.push({ line: l.line, message: `unknown or incomplete directive ${first}` });
      }
      continue;
    }
    let owner: string | undefined;
    let rest: string[];
    if (l.indented) {
      owner = lastOwner;
      rest = fields;
    } else {
      owner = absoluteName(first, ctx);
      rest = fields.slice(1);
    }
    if (owner === undefined) {
      errors.push({ line: l.line, message: 'record without an owner name' });
      continue;
    }
    const res = parseRrFields(owner, rest, ctx);
    if (!res.ok) {
      errors.push({ line: l.line, message: res.message });
      continue;
    }
    lastOwner = owner;
    // RFC 2308: without $TTL, later records default to the last explicit TTL.
    if (ctx.defaultTtl === undefined) ctx.defaultTtl = res.record.ttl;
    if (res.record.type === 'SOA') {
      // Without $ORIGIN, an absolute SOA owner names the zone: later relative names sit under it.
      if ((ctx.origin === undefined || ctx.origin === '') && owner !== '') ctx.origin = owner;
      apex ??= owner || undefined;
    }
    records.push({ ...res.record, line: l.line });
  }
  return { ...(apex !== undefined ? { origin: apex } : {}), records, errors };
}
