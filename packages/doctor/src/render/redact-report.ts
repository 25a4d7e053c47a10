import { isIP } from 'node:net';
import type { Report } from '@cms-doctor/core';

/**
 * Reports safe to attach (issue 16): host names, domains, addresses, user names, space
 * names and call ids replaced by tokens that are the same for the same input within one
 * redaction, so a reader can still follow a name from finding to finding.
 *
 * The names come from two places: the report's structured fields (the target, and evidence
 * fields such as name/address/server/subject), and literals found by pattern in any string
 * (IPv4/IPv6 addresses, dotted host names under a known or already-seen top-level label,
 * UUIDs). Every occurrence is then replaced in every string, longest first, names
 * case-insensitively. Verdicts (codes, statuses, fix ids, the fix catalogue) are never touched.
 */

export type RedactionMap = Record<string, string>;

export interface Redaction {
  /** Registers the names in a report; call for every report before `apply`. */
  collect(report: Report): void;
  /** A redacted copy of the report. */
  apply(report: Report): Report;
  /** Original -> token, for `--redact-map`. */
  map(): RedactionMap;
}

type Kind = 'host' | 'domain' | 'ip' | 'user' | 'space' | 'call' | 'id';

const PROBLEM = new Set(['warn', 'fail', 'error']);

/** Evidence keys whose values are fixed vocabulary, never data. */
const VOCABULARY_KEYS = new Set(['kind']);

/** Evidence and target keys whose values name users, spaces or calls. */
const USER_KEY = /^(user(name)?|.*User|.*Username|login|owner)$/i;
const SPACE_KEY = /^(space(Name)?|coSpace(Name)?|.*SpaceName)$/i;
const CALL_KEY = /^(call(Id|Guid)?|.*CallId|callLeg(Id)?)$/i;

/** Top-level labels that make a dotted word a host name even in free text. */
const KNOWN_TLDS = new Set(
  'com net org edu gov mil int io co uk de fr nl be ch at it es se no dk fi pl cz ru cn jp kr in au nz ca us br mx eu info biz local localdomain lan internal intranet corp home example test invalid arpa localhost cloud online site tech app dev'.split(
    ' ',
  ),
);

/** A dotted word ending so is a file name, not a host, even in a name field. */
const FILE_EXTENSIONS = new Set(
  'pem der crt cer key csr p12 pfx txt log xml json yaml yml pcap pcapng cap gz tgz zip tar bz2 xz html md'.split(' '),
);

const IPV4 = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![\d])/g;
/** Runs of hex digits, colons and dots that may be IPv6 literals; each is checked with isIP. */
const IPV6_RUN = /(?<![0-9A-Za-z:])[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?![0-9A-Za-z:])/g;
const HOSTNAME =
  /(?<![A-Za-z0-9_-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]\.?(?![A-Za-z0-9_-])/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The IPv4 and IPv6 literals in a string. */
export function addressesIn(s: string): string[] {
  const out = [...s.matchAll(IPV4)].map((m) => m[0]);
  for (const m of s.matchAll(IPV6_RUN)) {
    const run = m[0].replace(/\.$/, '');
    if (isIP(run) === 6) out.push(run);
  }
  return out;
}

/** Dotted names in a string; `anyTld` accepts every top-level label (structured name fields). */
export function hostNamesIn(s: string, tlds: ReadonlySet<string>, anyTld: boolean): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(HOSTNAME)) {
    const name = m[0].replace(/\.$/, '').toLowerCase();
    const tld = name.slice(name.lastIndexOf('.') + 1);
    if (tlds.has(tld) || (anyTld && !FILE_EXTENSIONS.has(tld))) out.push(name);
  }
  return out;
}

export function createRedaction(): Redaction {
  const tokens = new Map<string, string>(); // lower-cased original -> token
  const originals = new Map<string, string>(); // lower-cased -> as first seen
  const counters: Record<Kind, number> = { host: 0, domain: 0, ip: 0, user: 0, space: 0, call: 0, id: 0 };
  const domains = new Set<string>();
  const tlds = new Set(KNOWN_TLDS);
  const pendingHosts = new Set<string>();

  const add = (kind: Kind, original: string): void => {
    const key = original.toLowerCase();
    // A short or all-digit value ("call 6") identifies nobody, and replacing it everywhere
    // would rewrite frame numbers and counts.
    // CMS call ids are numeric (100101): those of five digits and more are kept as names.
    if (kind !== 'ip' && (key.length < 3 || (/^\d+$/.test(key) && (kind !== 'call' || key.length < 5)))) return;
    if (!key || tokens.has(key)) return;
    counters[kind] += 1;
    tokens.set(key, `${kind}-${counters[kind]}`);
    originals.set(key, original);
  };
  /** A host is `host-N.<its domain's token>` so a reader sees which names share a domain. */
  const domainToken = (name: string): string => {
    if (!tokens.has(name)) {
      counters.domain += 1;
      tokens.set(name, `domain-${counters.domain}`);
      originals.set(name, name);
    }
    return tokens.get(name)!;
  };
  const nameToken = (name: string): void => {
    if (tokens.has(name)) return;
    const labels = name.split('.');
    if (labels.length <= 2 || domains.has(name)) {
      domainToken(name);
      return;
    }
    const parent = labels.slice(1).join('.');
    nameToken(parent);
    counters.host += 1;
    tokens.set(name, `host-${counters.host}.${tokens.get(parent)!}`);
    originals.set(name, name);
  };

  const scanFree = (s: string): void => {
    for (const a of addressesIn(s)) add('ip', a);
    for (const h of hostNamesIn(s, tlds, false)) pendingHosts.add(h);
    for (const u of s.match(UUID) ?? []) add('id', u);
  };
  /** CMS API XML (coSpaces, users, calls): the elements that name a space, user or call. */
  const scanXml = (xml: string): void => {
    for (const m of xml.matchAll(/<(name|uri|secondaryUri|callId|username|userJid|jid|callLegId|call)(?:\s[^>]*)?>([^<]+)<\/\1>/g)) {
      const [, el, value] = m;
      const v = value!.trim();
      if (el === 'callId' || el === 'callLegId' || el === 'call') add('call', v);
      else if (el === 'username' || el === 'userJid' || el === 'jid') add('user', v);
      else if (el === 'uri' || el === 'secondaryUri' || (el === 'name' && /<coSpace[\s>]/.test(xml))) add('space', v);
    }
  };
  /** A structured field: its whole value names a user, space or call, or holds names of any TLD. */
  const scanField = (key: string, v: unknown): void => {
    if (typeof v === 'string') {
      if (key === 'xml') scanXml(v);
      if (USER_KEY.test(key)) {
        // `admin@host:port` (an SSH target) names a user before the @.
        add('user', v.includes('@') ? v.slice(0, v.indexOf('@')) : v);
      } else if (SPACE_KEY.test(key)) add('space', v);
      else if (CALL_KEY.test(key)) add('call', v);
      else if (/domain$/i.test(key) && hostNamesIn(v, tlds, true).length === 1) {
        const d = v.replace(/\.$/, '').toLowerCase();
        domains.add(d);
        pendingHosts.add(d);
      }
      const sshUser = /^([A-Za-z0-9._-]+)@/.exec(v);
      if (sshUser && /ssh/i.test(key)) add('user', sshUser[1]!);
      for (const h of hostNamesIn(v, tlds, isNameKey(key))) {
        pendingHosts.add(h);
        tlds.add(h.slice(h.lastIndexOf('.') + 1));
      }
      scanFree(v);
    } else if (Array.isArray(v)) for (const x of v) scanField(key, x);
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) scanField(k, x);
  };
  const scanAll = (v: unknown, key = ''): void => {
    if (VOCABULARY_KEYS.has(key)) return;
    if (typeof v === 'string') scanFree(v);
    else if (Array.isArray(v)) for (const x of v) scanAll(x, key);
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) scanAll(x, k);
  };

  let pattern: RegExp | undefined;
  const compile = (): RegExp | undefined => {
    // Names are tokenised shortest (parent domains) first so hosts can name their domain's token.
    for (const h of [...pendingHosts].sort((a, b) => a.split('.').length - b.split('.').length)) nameToken(h);
    pendingHosts.clear();
    const keys = [...tokens.keys()].sort((a, b) => b.length - a.length);
    if (!keys.length) return undefined;
    return new RegExp(`(?<![A-Za-z0-9_-])(?:${keys.map(escapeRe).join('|')})(?![A-Za-z0-9_-])`, 'gi');
  };
  const redactString = (s: string): string => (pattern ? s.replace(pattern, (m) => tokens.get(m.toLowerCase()) ?? m) : s);
  const redactDeep = (v: unknown, key = ''): unknown => {
    if (VOCABULARY_KEYS.has(key)) return v;
    if (typeof v === 'string') return redactString(v);
    if (Array.isArray(v)) return v.map((x) => redactDeep(x, key));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactDeep(x, k)]));
    return v;
  };

  return {
    collect(report) {
      scanField('target', report.target);
      for (const f of report.findings) for (const e of f.evidence) scanField('evidence', e);
      // Every other string (titles, details, subjects, files, check records) by pattern only.
      for (const f of report.findings) scanAll([f.title, f.detail, f.subject, f.evidence]);
      scanAll(report.files);
      pattern = undefined;
    },
    apply(report) {
      pattern ??= compile();
      return {
        ...report,
        target: redactDeep(report.target) as Report['target'],
        // Check records are ids, areas, statuses and times: verdicts, no data.
        checks: report.checks,
        // Verdicts (check, code, status, fixes, basis, source, needs) are kept as they are.
        findings: report.findings.map((f) => ({
          ...f,
          // A problem's title is its code table's title (verdict text, names go in detail); others are free text.
          title: PROBLEM.has(f.status) ? f.title : redactString(f.title),
          ...(f.detail !== undefined ? { detail: redactString(f.detail) } : {}),
          ...(f.subject !== undefined ? { subject: redactString(f.subject) } : {}),
          evidence: redactDeep(f.evidence) as Report['findings'][number]['evidence'],
        })),
        // The fix catalogue is verdict text, the same for every deployment.
        fixes: report.fixes,
        ...(report.files ? { files: redactDeep(report.files) as Report['files'] } : {}),
      };
    },
    map() {
      pattern ??= compile();
      return Object.fromEntries([...tokens].map(([k, t]) => [originals.get(k) ?? k, t]));
    },
  };
}

/** Evidence and target keys whose whole value is (or holds) a host name, whatever its TLD. */
function isNameKey(key: string): boolean {
  return /^(name|names|host|hostname|server|servername|target|address|addresses|remote|client|subject|subjects|sans|peerSubject|peerSubjectAltName|domain|xmppDomain|external|edge|webbridge|turn|cmsApi|expresswayApi|url|uri|realm|data|issuer|internalDns|externalDns|cmsAddress|edgeNatAddress|cmsSsh|mapped|relayed|clientAddress|serverAddress|edgeAddresses|view)$/i.test(
    key,
  );
}

/** One report redacted with its own mapping. */
export function redactReport(report: Report): { report: Report; map: RedactionMap } {
  const r = createRedaction();
  r.collect(report);
  return { report: r.apply(report), map: r.map() };
}

/** Several reports (inventory) redacted with one mapping, so a name has one token across them. */
export function redactReports(reports: readonly Report[]): { reports: Report[]; map: RedactionMap } {
  const r = createRedaction();
  for (const x of reports) r.collect(x);
  return { reports: reports.map((x) => r.apply(x)), map: r.map() };
}
