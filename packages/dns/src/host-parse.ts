import { normaliseName } from './record.js';
import { parseServer } from './server-address.js';
import { parseRrFields, tokenize } from './rr-text.js';
import { promptCommand, tidyLines } from './human-text.js';
import type { DigParse, DigQuery, ParseIssue } from './dig-parse.js';

/** `host` prints each record as a sentence: the phrase names the type. */
const PHRASES: readonly [RegExp, string][] = [
  [/^(\S+)\s+has address\s+(.+)$/i, 'A'],
  [/^(\S+)\s+has IPv6 address\s+(.+)$/i, 'AAAA'],
  [/^(\S+)\s+is an alias for\s+(.+)$/i, 'CNAME'],
  [/^(\S+)\s+mail is handled by\s+(.+)$/i, 'MX'],
  [/^(\S+)\s+name server\s+(.+)$/i, 'NS'],
  [/^(\S+)\s+domain name pointer\s+(.+)$/i, 'PTR'],
  [/^(\S+)\s+has (SRV|SOA|TXT|NS|MX|PTR|CNAME|A|AAAA|CAA|HTTPS|SVCB|DS|DNSKEY|NAPTR) record\s+(.+)$/i, ''],
];

/** The type and server of a `host` command line (`-t srv _x._tcp.example 10.0.0.1`). */
function commandLine(args: string): { type?: string; name?: string; server?: string } {
  const a = args.split(/\s+/).filter(Boolean);
  const out: { type?: string; name?: string; server?: string } = {};
  const plain: string[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    if (x === '-t' || x === '-c' || x === '-W' || x === '-R' || x === '-N' || x === '-m') {
      const v = a[++i];
      if (x === '-t' && v) out.type = v.toUpperCase();
    } else if (!x.startsWith('-')) plain.push(x);
  }
  if (plain[0] !== undefined) out.name = plain[0];
  if (plain[1] !== undefined) out.server = plain[1];
  return out;
}

/**
 * Parses the output of BIND's `host` (plain, `-t TYPE`, `-C` with one `Nameserver x:` block per
 * server, `Using domain server:` headers) into dig's query shape. TTLs are not printed: records
 * carry TTL 0. Pure; never throws.
 */
export function parseHost(text: string): DigParse {
  const queries: DigQuery[] = [];
  const errors: ParseIssue[] = [];
  let type: string | undefined;
  let server: string | undefined;
  let current: DigQuery | undefined;
  let usingServer = false;

  const fresh = (line: number): DigQuery => {
    current = { line, flags: [], answer: [], authority: [], additional: [] };
    if (server !== undefined) {
      try {
        current.server = parseServer(server);
        current.serverText = server;
      } catch {
        errors.push({ line, message: `unreadable server address: ${server}` });
      }
    }
    queries.push(current);
    return current;
  };
  const cur = (line: number): DigQuery => current ?? fresh(line);

  const lines = tidyLines(text);
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const line = (lines[n] as string).trim();
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^Host\s+(\S+)\s+not found:\s*(?:\d+\()?(\w+)\)?/i.exec(line))) {
      const q = fresh(lineNo);
      q.question = { name: normaliseName(m[1] as string), type: type ?? 'A', class: 'IN' };
      q.status = (m[2] as string).toUpperCase();
      current = undefined;
      continue;
    }
    const typed = promptCommand(line, 'host');
    if (typed !== undefined && !/\s(has|is|mail|name|domain|not found)\s/i.test(line)) {
      const c = commandLine(typed);
      type = c.type;
      server = c.server;
      current = undefined;
      const q = fresh(lineNo);
      if (c.name !== undefined && type !== undefined) q.question = { name: normaliseName(c.name), type, class: 'IN' };
      continue;
    }
    if (/^Using domain server:/i.test(line)) {
      usingServer = true;
      continue;
    }
    if (usingServer && (m = /^(Name|Address|Aliases):\s*(\S*)/i.exec(line))) {
      if ((m[1] as string).toLowerCase() === 'address' && m[2]) {
        server = m[2];
        current = undefined;
      }
      continue;
    }
    usingServer = false;
    if ((m = /^Nameserver\s+(\S+?):?$/i.exec(line))) {
      server = m[1];
      current = undefined;
      continue;
    }
    if ((m = /^(\S+)\s+has no (\S+) record/i.exec(line))) {
      const q = fresh(lineNo);
      q.question = { name: normaliseName(m[1] as string), type: (m[2] as string).toUpperCase(), class: 'IN' };
      q.status = 'NOERROR';
      current = undefined;
      continue;
    }
    if ((m = /^;;\s*(connection timed out.*|no servers could be reached.*|communications error.*)$/i.exec(line))) {
      const q = cur(lineNo);
      q.error = m[1] as string;
      continue;
    }
    const phrase = PHRASES.find(([re]) => re.test(line));
    if (phrase) {
      const r = phrase[0].exec(line) as RegExpExecArray;
      const rrType = phrase[1] || (r[2] as string).toUpperCase();
      const data = phrase[1] ? (r[2] as string) : (r[3] as string);
      const res = parseRrFields(normaliseName(r[1] as string), ['0', 'IN', rrType, ...tokenize(data)], {});
      if (res.ok) cur(lineNo).answer.push(res.record);
      else errors.push({ line: lineNo, message: res.message });
      continue;
    }
    errors.push({ line: lineNo, message: `unreadable host line: ${line.slice(0, 120)}` });
  }
  return { queries: queries.filter((q) => q.answer.length > 0 || q.status !== undefined || q.error !== undefined), errors };
}
