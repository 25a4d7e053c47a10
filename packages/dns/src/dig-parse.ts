import { parseServer, type DnsServer } from './server-address.js';
import { normaliseName, type DnsRecord } from './record.js';
import { absoluteName, isClass, isType, parseRrFields, tokenize } from './rr-text.js';
import { promptCommand, tidyLines } from './human-text.js';

/** One query and its answer as `dig` printed them. */
export interface DigQuery {
  /** 1-based line where this query's output starts. */
  line: number;
  /** Arguments of the `; <<>> DiG x <<>> args` banner. */
  command?: string;
  status?: string;
  id?: number;
  flags: string[];
  question?: { name: string; type: string; class: string };
  answer: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
  /** From `;; SERVER: ip#port(name)`. */
  server?: DnsServer;
  serverText?: string;
  queryTimeMs?: number;
  when?: string;
  /** `;; connection timed out; no servers could be reached` and the like. */
  error?: string;
}

export interface ParseIssue {
  line: number;
  message: string;
}

export interface DigParse {
  queries: DigQuery[];
  errors: ParseIssue[];
}

type Section = 'question' | 'answer' | 'authority' | 'additional' | 'opt';
const SECTION: Record<string, Section> = {
  QUESTION: 'question',
  ANSWER: 'answer',
  AUTHORITY: 'authority',
  ADDITIONAL: 'additional',
  OPT: 'opt',
  // dig 8 and 9.0-9.1 (`;; QUESTIONS:`, `;; ANSWERS:`, `;; AUTHORITY RECORDS:`).
  QUESTIONS: 'question',
  ANSWERS: 'answer',
  'AUTHORITY RECORDS': 'authority',
  'ADDITIONAL RECORDS': 'additional',
};

/** The name and type a dig command line asks (`@ns -t srv _x._tcp.example`, `example.com MX +short`). */
export function commandQuestion(command: string): { name: string; type: string } | undefined {
  const args = command.split(/\s+/).filter(Boolean);
  let type: string | undefined;
  let name: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-t' || a === '-q') {
      const v = args[++i];
      if (a === '-t' && v) type = v.toUpperCase();
      else if (v) name = v;
      continue;
    }
    if (/^-[cpbfkyi]$/.test(a)) {
      i++;
      continue;
    }
    if (a === '-x') {
      const v = args[++i];
      if (v) {
        name = v;
        type = 'PTR';
      }
      continue;
    }
    if (/^[@+-]/.test(a)) continue;
    if (isType(a) && !isClass(a) && type === undefined && name !== undefined) type = a.toUpperCase();
    else if (isClass(a)) continue;
    else if (name === undefined) name = a;
    else if (type === undefined && isType(a)) type = a.toUpperCase();
  }
  return name === undefined ? undefined : { name: normaliseName(name), type: type ?? 'A' };
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-f]*:[0-9a-f:.]*$/i;

/** One line of `dig +short` output as a record of the asked name (or of the end of its CNAME chain). */
function shortRecord(line: string, q: { name: string; type: string }, owner: string): DnsRecord | undefined {
  const f = tokenize(line);
  if (f.length === 0) return undefined;
  const one = f.length === 1 ? (f[0] as string) : undefined;
  if (one !== undefined && (q.type === 'A' || q.type === 'AAAA') && !IPV4.test(one) && !IPV6.test(one)) {
    return /^[A-Za-z0-9_.-]+$/.test(one) ? { name: owner, type: 'CNAME', ttl: 0, data: normaliseName(one) } : undefined;
  }
  const res = parseRrFields(owner, ['0', 'IN', q.type, ...f], {});
  return res.ok ? res.record : undefined;
}

/**
 * Parses `dig` output: full form (banner, header, sections, statistics), several
 * queries in one run, AXFR listings, and `+noall +answer` short form. Pure; never
 * throws: lines it cannot read are returned in `errors` with their line numbers.
 */
export function parseDig(text: string): DigParse {
  const queries: DigQuery[] = [];
  const errors: ParseIssue[] = [];
  let current: DigQuery | undefined;
  let command: string | undefined;
  let section: Section = 'answer';
  /** `dig +short`: the question comes from the command, each line is one datum. */
  let short: { name: string; type: string; owner: string } | undefined;
  const fresh = (line: number): DigQuery => {
    current = { line, flags: [], answer: [], authority: [], additional: [], ...(command !== undefined ? { command } : {}) };
    queries.push(current);
    section = 'answer';
    return current;
  };
  const cur = (line: number): DigQuery => current ?? fresh(line);

  const lines = tidyLines(text);
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const raw = lines[n] as string;
    const line = raw.trim();
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^;\s*<<>>\s*DiG\s+\S+\s*<<>>\s*(.*)$/.exec(line))) {
      command = m[1]?.trim();
      current = undefined;
      short = undefined;
      continue;
    }
    // A shell prompt with the echoed command (`❯ dig @127.0.0.1 -t srv _x._tcp.example`).
    const typed = line.startsWith(';') ? undefined : promptCommand(line, 'dig');
    if (typed !== undefined) {
      command = typed;
      current = undefined;
      const asked = /(^|\s)\+short\b/.test(typed) ? commandQuestion(typed) : undefined;
      short = asked ? { ...asked, owner: asked.name } : undefined;
      continue;
    }
    if (short && !line.startsWith(';')) {
      const r = shortRecord(line, short, short.owner);
      if (!r) {
        errors.push({ line: lineNo, message: `unreadable dig +short line: ${line}` });
        continue;
      }
      const q = current ?? fresh(lineNo);
      q.question ??= { name: short.name, type: short.type, class: 'IN' };
      q.answer.push(r);
      if (r.type === 'CNAME' && short.type !== 'CNAME') short.owner = r.data;
      continue;
    }
    if (/^;;\s*Got answer:/i.test(line)) {
      fresh(lineNo);
      continue;
    }
    if ((m = /^;;\s*->>HEADER<<-\s*opcode:\s*(\w+),\s*status:\s*(\w+),\s*id:\s*(\d+)/.exec(line))) {
      const q = current && current.status === undefined ? current : fresh(lineNo);
      q.status = m[2];
      q.id = Number(m[3]);
      continue;
    }
    if ((m = /^;;\s*flags:([^;]*);/.exec(line))) {
      cur(lineNo).flags = (m[1] ?? '').trim().split(/\s+/).filter(Boolean);
      continue;
    }
    if ((m = /^;;\s*(QUESTION|ANSWER|AUTHORITY|ADDITIONAL|OPT)\s+(?:PSEUDO)?SECTION:/.exec(line))) {
      cur(lineNo); // first: a fresh query starts in the answer section
      section = SECTION[m[1] as string] ?? 'answer';
      continue;
    }
    if ((m = /^;;\s*(QUESTIONS|ANSWERS|AUTHORITY RECORDS|ADDITIONAL RECORDS):/i.exec(line))) {
      cur(lineNo);
      section = SECTION[(m[1] as string).toUpperCase()] ?? 'answer';
      continue;
    }
    // dig 8: `;;      www.example.com, type = A, class = IN`.
    if (section === 'question' && (m = /^;;\s*(\S+?),\s*type\s*=\s*(\w+),\s*class\s*=\s*(\w+)/i.exec(line))) {
      cur(lineNo).question = {
        name: normaliseName(m[1] as string),
        type: (m[2] as string).toUpperCase(),
        class: (m[3] as string).toUpperCase(),
      };
      continue;
    }
    if ((m = /^;;\s*SERVER:\s*(\S+?)#(\d+)(?:\(([^)]*)\))?/.exec(line))) {
      const q = cur(lineNo);
      q.serverText = `${m[1]}#${m[2]}`;
      try {
        q.server = parseServer(`${m[1]}#${m[2]}`);
      } catch {
        errors.push({ line: lineNo, message: `unreadable SERVER line: ${line}` });
      }
      continue;
    }
    if ((m = /^;;\s*Query time:\s*(\d+)\s*msec/.exec(line))) {
      cur(lineNo).queryTimeMs = Number(m[1]);
      continue;
    }
    if ((m = /^;;\s*WHEN:\s*(.*)$/.exec(line))) {
      cur(lineNo).when = m[1];
      continue;
    }
    if ((m = /^;;\s*(connection timed out.*|communications error.*|no servers could be reached.*|.*couldn't get address.*)$/i.exec(line))) {
      const q = current && current.status === undefined ? current : fresh(lineNo);
      q.error = m[1];
      continue;
    }
    if (line.startsWith(';')) {
      // The question line is a commented record: `;www.cnn.com.  IN  A`.
      if (section === 'question' && !line.startsWith(';;')) {
        const f = tokenize(line.slice(1));
        const type = f.find((x, i) => i > 0 && isType(x) && !isClass(x)) ?? f[2];
        const cls = f.find((x, i) => i > 0 && isClass(x)) ?? 'IN';
        if (f[0] && type) cur(lineNo).question = { name: normaliseName(f[0]), type: type.toUpperCase(), class: cls.toUpperCase() };
        else errors.push({ line: lineNo, message: `unreadable question: ${line}` });
      }
      continue;
    }
    const fields = tokenize(line);
    const owner = fields[0];
    if (owner === undefined) continue;
    const res = parseRrFields(absoluteName(owner, {}), fields.slice(1), {});
    if (!res.ok) {
      errors.push({ line: lineNo, message: res.message });
      continue;
    }
    const q = cur(lineNo);
    const into = section === 'authority' ? q.authority : section === 'additional' ? q.additional : q.answer;
    into.push(res.record);
  }
  for (const q of queries) fillFromCommand(q);
  return { queries, errors };
}

/**
 * dig prints no SERVER or QUESTION when the resolver never answered: take them from
 * the command line (`@172.16.85.162 cmsweb.octavio.com A`) so the timeout is tied to a view.
 */
function fillFromCommand(q: DigQuery): void {
  if (q.command === undefined || (q.server && q.question)) return;
  const args = q.command.split(/\s+/).filter(Boolean);
  if (!q.server) {
    const at = args.find((a) => a.startsWith('@'));
    if (at) {
      try {
        const port = args.find((a, i) => args[i - 1] === '-p' && /^\d+$/.test(a));
        q.server = parseServer(port ? `${at.slice(1)}#${port}` : at.slice(1));
        q.serverText = `${q.server.host}#${q.server.port}`;
      } catch {
        // A name after @ (dig resolves it): no address to match a view with.
      }
    }
  }
  if (!q.question && q.error !== undefined) {
    const plain = args.filter((a, i) => !/^[@+-]/.test(a) && !/^-/.test(args[i - 1] ?? ''));
    const name = plain.find((a) => !isType(a) && !isClass(a));
    const type = plain.find((a) => isType(a) && a.toUpperCase() !== 'IN')?.toUpperCase() ?? 'A';
    if (name) q.question = { name: normaliseName(name), type, class: 'IN' };
  }
}
