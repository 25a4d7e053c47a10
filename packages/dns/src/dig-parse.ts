import { parseServer, type DnsServer } from './server-address.js';
import { normaliseName, type DnsRecord } from './record.js';
import { absoluteName, isClass, isType, parseRrFields, tokenize } from './rr-text.js';

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
};

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
  const fresh = (line: number): DigQuery => {
    current = { line, flags: [], answer: [], authority: [], additional: [], ...(command !== undefined ? { command } : {}) };
    queries.push(current);
    section = 'answer';
    return current;
  };
  const cur = (line: number): DigQuery => current ?? fresh(line);

  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const raw = (lines[n] as string).replace(/\r$/, '');
    const line = raw.trim();
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^;\s*<<>>\s*DiG\s+\S+\s*<<>>\s*(.*)$/.exec(line))) {
      command = m[1]?.trim();
      current = undefined;
      continue;
    }
    if (/^;;\s*Got answer:/.test(line)) {
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
      section = SECTION[m[1] as string] ?? 'answer';
      cur(lineNo);
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
