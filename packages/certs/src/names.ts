import { isIP } from 'node:net';
import type { SanName } from './certificate.js';

/**
 * Two-label public suffixes under which a wildcard would cover unrelated owners.
 * Not the whole Public Suffix List: enough to refuse `*.co.uk`-style wildcards
 * that a CA should never have issued; `*.com` is refused by label count.
 */
const MULTI_LABEL_SUFFIXES = new Set([
  'co.uk',
  'org.uk',
  'ac.uk',
  'gov.uk',
  'me.uk',
  'net.uk',
  'com.au',
  'net.au',
  'org.au',
  'edu.au',
  'gov.au',
  'co.nz',
  'org.nz',
  'co.jp',
  'ne.jp',
  'or.jp',
  'ac.jp',
  'co.kr',
  'or.kr',
  'com.br',
  'net.br',
  'com.cn',
  'net.cn',
  'org.cn',
  'com.tw',
  'org.tw',
  'com.hk',
  'com.sg',
  'com.mx',
  'co.in',
  'co.za',
  'com.tr',
  'co.il',
  'com.ar',
]);

/** Lower case, no trailing dot: DNS names compare case-insensitively. */
export const normaliseName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** Canonical text of an IP address (IPv6 compressed the WHATWG way), or undefined. */
export function canonicalIp(value: string): string | undefined {
  const v = value.trim().replace(/^\[|\]$/g, '');
  const family = isIP(v);
  if (family === 4) return v;
  if (family === 6) return new URL(`http://[${v}]/`).hostname.replace(/^\[|\]$/g, '');
  return undefined;
}

/** Why a wildcard SAN is not honoured, or undefined when it is usable. */
export function wildcardProblem(pattern: string): string | undefined {
  const p = normaliseName(pattern);
  if (!p.includes('*')) return undefined;
  if (!p.startsWith('*.') || p.indexOf('*', 1) !== -1)
    return 'a wildcard must be the whole left-most label (browsers ignore partial or inner wildcards)';
  const rest = p.slice(2);
  if (rest.split('.').length < 2) return `"${p}" would cover a whole top-level domain`;
  if (MULTI_LABEL_SUFFIXES.has(rest)) return `"${p}" would cover a whole public suffix`;
  return undefined;
}

/** Whether one DNS SAN covers `name` (RFC 6125 §6.4.3 as browsers apply it: `*` is exactly one label). */
export function dnsSanCovers(pattern: string, name: string): boolean {
  const p = normaliseName(pattern);
  const n = normaliseName(name);
  if (!p.includes('*')) return p === n;
  if (wildcardProblem(p)) return false;
  const dot = n.indexOf('.');
  return dot > 0 && n.slice(dot + 1) === p.slice(2);
}

export interface NameCoverage {
  name: string;
  covered: boolean;
  /** The SAN that covers it. */
  by?: string;
  /** Why it is not covered, when that is more than "absent". */
  note?: string;
}

/**
 * Whether a certificate's SANs cover `name`. An IP address matches only an IP SAN;
 * a DNS name only a DNS SAN. The subject CN is never used (browsers stopped in 2017),
 * but a CN holding the name is mentioned so the user sees why it does not count.
 */
export function coverage(name: string, sans: readonly SanName[], subjectCn?: string): NameCoverage {
  const ip = canonicalIp(name);
  if (ip) {
    const hit = sans.find((s) => s.type === 'ip' && canonicalIp(s.value) === ip);
    return hit ? { name, covered: true, by: `ip:${hit.value}` } : { name, covered: false };
  }
  const hit = sans.find((s) => s.type === 'dns' && dnsSanCovers(s.value, name));
  if (hit) return { name, covered: true, by: `dns:${hit.value}` };
  const bad = sans.find((s) => s.type === 'dns' && wildcardProblem(s.value) !== undefined);
  const notes: string[] = [];
  if (bad) notes.push(`wildcard ${bad.value} is not honoured: ${wildcardProblem(bad.value)}`);
  const near = sans.find(
    (s) => s.type === 'dns' && s.value.startsWith('*.') && normaliseName(name).endsWith(normaliseName(s.value).slice(1)),
  );
  if (near && !bad) notes.push(`wildcard ${near.value} covers one label only, not ${name}`);
  if (sans.length === 0) notes.push('the certificate has no subject alternative names');
  if (subjectCn && dnsSanCovers(subjectCn, name)) notes.push('the name is only in the subject CN, which browsers ignore');
  return notes.length ? { name, covered: false, note: notes.join('; ') } : { name, covered: false };
}

/** The CN of a one-line subject (`C=US, CN=x`), if any. */
export const commonNameOf = (subject: string): string | undefined => /(?:^|, )CN=([^,]+)/.exec(subject)?.[1];

/**
 * Names the source document puts on the Expressway-E certificate besides the web
 * bridge name (`vcse.octavio.com, vcsc.octavio.local, cmsweb.octavio.com,
 * cmsweb.octavio.local, octavio.local, cms.octavio.local, octavio.com`): the edge and
 * core host names (vcse./vcsc.), the web bridge label in the Expressway-C's internal
 * domain (cmsweb.octavio.local, not the CMS guest name cmsweb.cms.octavio.local, which
 * the list does not hold), and the domains. The host-name labels are the document's; a
 * deployment may use others, so these are reported, never required.
 */
export function documentedEdgeNames(t: { external: string; externalDomain?: string; internalDomain?: string }): string[] {
  const external = normaliseName(t.external);
  const ext = normaliseName(t.externalDomain ?? external.split('.').slice(1).join('.'));
  const names = [`vcse.${ext}`, ext];
  if (t.internalDomain) {
    const int = normaliseName(t.internalDomain);
    // The document's Expressway-C lives in the parent of the CMS internal domain (octavio.local vs cms.octavio.local).
    const parent = int.split('.').length > 2 ? int.split('.').slice(1).join('.') : int;
    const label = external.split('.')[0]!;
    names.push(`vcsc.${parent}`, `${label}.${parent}`, int);
    if (parent !== int) names.push(parent);
  }
  return [...new Set(names)].filter((n) => n !== external);
}
