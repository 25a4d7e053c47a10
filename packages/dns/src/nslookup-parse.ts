import { normaliseName, type DnsRecord } from './record.js';
import { parseServer } from './server-address.js';
import { isType, parseRrFields, tokenize } from './rr-text.js';
import { promptCommand, tidyLines } from './human-text.js';
import type { DigParse, DigQuery, ParseIssue } from './dig-parse.js';

/** The type and server an nslookup command line sets (`-type=srv name 10.0.0.1`, `-q=MX`). */
function commandLine(args: string): { type?: string; name?: string; server?: string } {
  const out: { type?: string; name?: string; server?: string } = {};
  const plain: string[] = [];
  for (const a of args.split(/\s+/).filter(Boolean)) {
    const m = /^-(?:type|q|querytype|ty)=(\S+)$/i.exec(a);
    if (m) out.type = (m[1] as string).toUpperCase();
    else if (!a.startsWith('-')) plain.push(a);
  }
  if (plain[0] !== undefined && plain[0] !== '-') out.name = plain[0];
  if (plain[1] !== undefined) out.server = plain[1];
  return out;
}

const RCODE_OF: readonly [RegExp, string][] = [
  [/NXDOMAIN|Non-existent domain/i, 'NXDOMAIN'],
  [/SERVFAIL|Server failed/i, 'SERVFAIL'],
  [/REFUSED|Query refused/i, 'REFUSED'],
  [/No answer|No (?:address|\S+) \(\S+\) records available/i, 'NOERROR'],
];

/**
 * Parses nslookup output, Linux (BIND) and Windows, batch and interactive (`> set type=SRV`,
 * `> name`), into the same query shape as dig, so the offline checks read both alike.
 * TTLs are not printed by nslookup: records carry TTL 0. Pure; never throws.
 */
export function parseNslookup(text: string): DigParse {
  const queries: DigQuery[] = [];
  const errors: ParseIssue[] = [];
  let type: string | undefined;
  let server: string | undefined;
  let current: DigQuery | undefined;
  /** `Server:` was read; the next `Address:` is the server's, not an answer. */
  let wantServerAddress = false;
  let answerName: string | undefined;
  let srvBlock: { owner: string; line: number; fields: Record<string, string> } | undefined;
  let lastAddressOwner: string | undefined;
  /** Windows `Aliases:` block: each alias points at the next, the last at the canonical `Name:` above. */
  let aliases: { line: number; canonical: string; names: string[] } | undefined;
  const flushAliases = (): void => {
    if (!aliases) return;
    const chain = [...aliases.names, aliases.canonical];
    for (let i = 0; i + 1 < chain.length; i++)
      add(cur(aliases.line).answer, chain[i] as string, 'CNAME', [`${normaliseName(chain[i + 1] as string)}.`], aliases.line);
    aliases = undefined;
  };

  const fresh = (line: number, name?: string): DigQuery => {
    current = { line, flags: [], answer: [], authority: [], additional: [] };
    if (name !== undefined) current.question = { name: normaliseName(name), type: type ?? 'A', class: 'IN' };
    if (server !== undefined) setServer(current, server, line);
    queries.push(current);
    return current;
  };
  const cur = (line: number): DigQuery => current ?? fresh(line);
  const setServer = (q: DigQuery, s: string, line: number): void => {
    try {
      q.server = parseServer(s);
      q.serverText = s;
    } catch {
      errors.push({ line, message: `unreadable server address: ${s}` });
    }
  };
  const add = (into: DnsRecord[], owner: string, rrType: string, data: string[], line: number): void => {
    const res = parseRrFields(normaliseName(owner), ['0', 'IN', rrType, ...data], {});
    if (res.ok) into.push(res.record);
    else errors.push({ line, message: res.message });
  };
  const flushSrv = (): void => {
    if (!srvBlock) return;
    const f = srvBlock.fields;
    const parts = [f.priority, f.weight, f.port, f['svr hostname']];
    if (parts.every((p) => p !== undefined)) add(cur(srvBlock.line).answer, srvBlock.owner, 'SRV', parts as string[], srvBlock.line);
    else errors.push({ line: srvBlock.line, message: `incomplete SRV block for ${srvBlock.owner}` });
    srvBlock = undefined;
  };

  const lines = tidyLines(text);
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const raw = lines[n] as string;
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (srvBlock && (m = /^(priority|weight|port|svr hostname)\s*=\s*(\S+)/i.exec(line))) {
      srvBlock.fields[(m[1] as string).toLowerCase()] = m[2] as string;
      continue;
    }
    flushSrv();
    if (line === '') continue;
    const typed = promptCommand(line, 'nslookup');
    if (typed !== undefined) {
      const c = commandLine(typed);
      type = c.type;
      server = c.server;
      current = undefined;
      if (c.name !== undefined) fresh(lineNo, c.name);
      continue;
    }
    // Interactive mode: `> set type=SRV`, `> server 10.0.0.1`, `> _ldap._tcp.example.com.`
    if ((m = /^>\s*(.*)$/.exec(line))) {
      const cmd = (m[1] as string).trim();
      let s: RegExpExecArray | null;
      if ((s = /^set\s+(?:type|q|querytype|ty)\s*=\s*(\S+)/i.exec(cmd))) type = (s[1] as string).toUpperCase();
      else if ((s = /^(?:l?server)\s+(\S+)/i.exec(cmd))) server = s[1];
      else if (/^(?:set|exit|ls|help|\?)\b/i.test(cmd) || cmd === '') continue;
      else {
        const f = commandLine(cmd);
        if (f.type !== undefined) type = f.type;
        if (f.name !== undefined) fresh(lineNo, f.name);
      }
      continue;
    }
    if ((m = /^(?:Default\s+)?Server:\s*(.*)$/i.exec(line))) {
      // Each answer opens with the server that gave it: a new query unless the command just opened one.
      const opened =
        current &&
        current.server === undefined &&
        current.answer.length === 0 &&
        current.status === undefined &&
        current.error === undefined;
      if (!opened) fresh(lineNo);
      answerName = undefined;
      wantServerAddress = true;
      continue;
    }
    if ((m = /^Address(?:es)?:\s*(\S+)/i.exec(line))) {
      if (wantServerAddress) {
        wantServerAddress = false;
        const addr = m[1] as string;
        server = undefined;
        setServer(cur(lineNo), addr, lineNo);
        continue;
      }
      if (answerName !== undefined) {
        addAddress(answerName, m[1] as string, lineNo);
        lastAddressOwner = answerName;
      }
      continue;
    }
    // Windows continues `Addresses:` on indented lines.
    if (lastAddressOwner !== undefined && /^\s+\S+$/.test(raw) && /^[0-9a-f:.]+$/i.test(line)) {
      addAddress(lastAddressOwner, line, lineNo);
      continue;
    }
    lastAddressOwner = undefined;
    // Windows continues `Aliases:` on indented lines too, in chain order.
    if (aliases && /^\s+\S+$/.test(raw)) {
      aliases.names.push(line);
      continue;
    }
    flushAliases();
    if ((m = /^Name:\s*(\S+)/i.exec(line))) {
      answerName = m[1];
      continue;
    }
    if ((m = /^Aliases:\s*(\S+)/i.exec(line)) && answerName !== undefined) {
      aliases = { line: lineNo, canonical: answerName, names: [m[1] as string] };
      continue;
    }
    if (/^Non-authoritative answer:/i.test(line)) {
      cur(lineNo).flags = ['qr', 'rd', 'ra'];
      continue;
    }
    if (/^Authoritative answers can be found from:/i.test(line)) continue;
    if ((m = /^(\S+)\s+SRV service location:/i.exec(line))) {
      srvBlock = { owner: m[1] as string, line: lineNo, fields: {} };
      continue;
    }
    if ((m = /^(\S+)\s+internet address\s*=\s*(\S+)/i.exec(line))) {
      add(cur(lineNo).additional, m[1] as string, 'A', [m[2] as string], lineNo);
      continue;
    }
    if ((m = /^(\S+)\s+AAAA IPv6 address\s*=\s*(\S+)/i.exec(line))) {
      add(cur(lineNo).additional, m[1] as string, 'AAAA', [m[2] as string], lineNo);
      continue;
    }
    if ((m = /^(\S+)\s+canonical name\s*=\s*(\S+)/i.exec(line))) {
      add(cur(lineNo).answer, m[1] as string, 'CNAME', [m[2] as string], lineNo);
      continue;
    }
    if ((m = /^(\S+)\s+service\s*=\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)/i.exec(line))) {
      add(cur(lineNo).answer, m[1] as string, 'SRV', m.slice(2, 6) as string[], lineNo);
      continue;
    }
    if ((m = /^(\S+)\s+(?:MX preference\s*=\s*(\d+),\s*)?mail exchanger\s*=\s*(?:(\d+)\s+)?(\S+)/i.exec(line))) {
      add(cur(lineNo).answer, m[1] as string, 'MX', [m[2] ?? m[3] ?? '0', m[4] as string], lineNo);
      continue;
    }
    if ((m = /^(\S+)\s+nameserver\s*=\s*(\S+)/i.exec(line))) {
      add(cur(lineNo).answer, m[1] as string, 'NS', [m[2] as string], lineNo);
      continue;
    }
    if ((m = /^(\S+)\s+text\s*=\s*(.*)$/i.exec(line))) {
      add(cur(lineNo).answer, m[1] as string, 'TXT', tokenize(m[2] as string), lineNo);
      continue;
    }
    if ((m = /^(\S+)\s+name\s*=\s*(\S+)/i.exec(line))) {
      add(cur(lineNo).answer, m[1] as string, 'PTR', [m[2] as string], lineNo);
      continue;
    }
    if ((m = /^\*\*\*?\s*(?:\S+\s+)?can'?t find\s+([^:\s]+):\s*(.*)$/i.exec(line))) {
      const q = current && current.status === undefined && current.answer.length === 0 ? current : fresh(lineNo);
      q.question ??= { name: normaliseName(m[1] as string), type: type ?? 'A', class: 'IN' };
      const rcode = RCODE_OF.find(([re]) => re.test(m?.[2] ?? ''))?.[1];
      if (rcode !== undefined) q.status = rcode;
      else q.error = (m[2] as string).trim();
      continue;
    }
    if ((m = /^(?:;;\s*)?(connection timed out.*|no servers could be reached.*|\*\*\* Request to .* timed-?out.*)$/i.exec(line))) {
      cur(lineNo).error = m[1] as string;
      continue;
    }
    // Windows prints these for the server's own reverse lookup; they say nothing about the query.
    if (/^(?:DNS request timed out\.|timeout was \d+ seconds?\.)/i.test(line)) continue;
    if (isType(tokenize(line)[0] ?? '')) continue;
    errors.push({ line: lineNo, message: `unreadable nslookup line: ${line.slice(0, 120)}` });
  }
  flushSrv();
  flushAliases();

  function addAddress(owner: string, addr: string, line: number): void {
    const q = cur(line);
    add(q.answer, owner, addr.includes(':') ? 'AAAA' : 'A', [addr], line);
  }

  // A query whose type was never said: SRV when it holds SRV records (the `SRV service location` form).
  for (const q of queries) {
    if (!q.question && q.answer.some((r) => r.type === 'SRV')) {
      const srv = q.answer.find((r) => r.type === 'SRV') as DnsRecord;
      q.question = { name: srv.name, type: 'SRV', class: 'IN' };
    }
  }
  return {
    queries: queries.filter((q) => q.answer.length + q.additional.length > 0 || q.status !== undefined || q.error !== undefined),
    errors,
  };
}
