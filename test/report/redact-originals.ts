/**
 * What a redacted report must not contain, collected from the un-redacted JSON report of the
 * same run independently of the redactor: the target's names and addresses, the names and
 * addresses in the evidence fields that carry them, user names, and every IPv4 literal.
 */
import { isIP } from 'node:net';
import type { Report } from '@cms-doctor/core';

const NAME_FIELDS = new Set([
  'name',
  'address',
  'server',
  'client',
  'servername',
  'sans',
  'subject',
  'target',
  'url',
  'domain',
  'xmppDomain',
  'remote',
  'mapped',
  'relayed',
  'clientAddress',
  'serverAddress',
  'edgeAddresses',
]);
const USER_FIELDS = new Set(['username', 'user', 'turnUser', 'cmsUser']);
const TARGET_SKIP = new Set([
  'ca',
  'cmsSshHostKey',
  'turnPassword',
  'cmsPassword',
  'cmsSshPassword',
  'expresswayPassword',
  'mediaPortRange',
]);
const DOTTED = /[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+/g;
const FILE_EXT = /\.(pem|der|crt|cer|key|txt|xml|log|json|pcap|pcapng)$/i;
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;

function namesIn(s: string): string[] {
  const out: string[] = [];
  for (const m of s.match(DOTTED) ?? []) {
    if (isIP(m)) out.push(m);
    else if (/[A-Za-z]/.test(m.slice(m.lastIndexOf('.') + 1)) && !FILE_EXT.test(m)) out.push(m);
  }
  for (const m of s.match(/\[?([0-9a-f:]*::?[0-9a-f:]+)\]?/gi) ?? []) {
    const a = m.replace(/^\[|\]$/g, '');
    if (isIP(a) === 6) out.push(a);
  }
  return out;
}

function walk(v: unknown, key: string, out: Set<string>): void {
  if (typeof v === 'string') {
    if (NAME_FIELDS.has(key)) for (const n of namesIn(v)) out.add(n.toLowerCase());
    if (USER_FIELDS.has(key) && v.length >= 3) out.add(v.toLowerCase());
    for (const a of v.match(IPV4) ?? []) if (isIP(a)) out.add(a);
  } else if (Array.isArray(v)) for (const x of v) walk(x, key, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k, out);
}

export function originalsOf(report: Report): string[] {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(report.target)) {
    if (TARGET_SKIP.has(k) || typeof v !== 'string') continue;
    if (/User$/.test(k)) out.add(v.toLowerCase());
    for (const n of namesIn(v)) out.add(n.toLowerCase());
  }
  for (const f of report.findings) {
    walk(f.evidence, '', out);
    for (const s of [f.title, f.detail ?? '', f.subject ?? '']) for (const a of s.match(IPV4) ?? []) if (isIP(a)) out.add(a);
  }
  return [...out];
}

/** The verdicts of a report: what redaction must leave unchanged. */
export const verdicts = (r: Report): string[] => r.findings.map((f) => `${f.check} ${f.code} ${f.status} ${f.fixes.join(',')}`).sort();

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/**
 * The output without the fix catalogue's text and the problem titles (the code table's), which quotes the source document's own example
 * names (cmsweb.cms.octavio.local, turnuser): verdict text, the same for every deployment and
 * left unredacted on purpose. The lab uses those very names, so they are cut before searching.
 */
export function withoutCatalogueText(out: string, report: Report): string {
  let s = out;
  const texts = [
    ...Object.values(report.fixes).flatMap((f) => [f.title, ...f.steps, f.reference ?? '']),
    // A problem's title is its code table's title: verdict text too.
    ...report.findings.filter((f) => ['warn', 'fail', 'error'].includes(f.status)).map((f) => f.title),
  ];
  for (const t of texts.filter(Boolean).sort((a, b) => b.length - a.length))
    for (const form of [t, JSON.stringify(t).slice(1, -1), xmlEscape(t), xmlEscape(t).replace(/&apos;/g, '&#39;'), t.replace(/\|/g, '\\|')])
      s = s.split(form).join('');
  return s;
}

/** The originals that remain in an output (boundaries as a name ends: not inside a longer word). */
export function leaks(given: string, originals: readonly string[]): string[] {
  // JSON keys are the schema's words (`turnUser` is not the user "turnuser"), in every format that shows evidence.
  const out = given.replace(/"[A-Za-z0-9_-]+":/g, '');
  const lower = out.toLowerCase();
  return originals.filter((o) => {
    const re = new RegExp(`(?<![A-Za-z0-9_.-])${o.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_-])`, 'i');
    return lower.includes(o) && re.test(out);
  });
}
