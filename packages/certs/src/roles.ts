import type { Certificate } from './certificate.js';
import { commonNameOf, coverage, documentedEdgeNames, normaliseName } from './names.js';
import type { TrustStore } from './trust-store.js';

/**
 * Why a certificate of the input is a CA and not a server certificate, or undefined when it
 * is not one. CA:TRUE alone does not decide: `openssl req -x509` sets it on every
 * self-signed certificate it makes, which is then used as a server certificate. A
 * self-signed CA:TRUE certificate is a CA only on evidence: it issued another input
 * certificate, it is a trust anchor, or its Key Usage allows certificate signing but
 * no TLS server use. Issuing or being an anchor makes any certificate a CA here.
 */
export function authorityReason(c: Certificate, pool: readonly Certificate[], store: TrustStore): string | undefined {
  // Issuing and being an anchor decide even without CA:TRUE (old v1 roots have no extensions).
  const child = pool.find((o) => o.sha256 !== c.sha256 && o.issuedBy(c));
  if (child) return `issuer of ${child.subject || '(empty subject)'}${child.source ? ` (${child.source})` : ''}`;
  if (store.has(c)) return 'a trust anchor (a bundled root or a --ca certificate)';
  if (!c.isCa) return undefined;
  // A key this Node cannot decode (ML-DSA on Node 20) verifies nothing: say so, claim no issuer.
  if (c.publicKey.type === 'unsupported') return 'a CA (CA:TRUE) whose key algorithm this Node cannot verify, so its issuer is unknown';
  if (!c.selfSigned) return 'an intermediate CA (CA:TRUE, issued by another CA)';
  const ku = c.keyUsage;
  if (ku?.includes('keyCertSign') && !ku.includes('digitalSignature') && !ku.includes('keyEncipherment'))
    return `a root CA (Key Usage ${ku.join(', ')}: certificate signing, no TLS server use)`;
  return undefined;
}

/** A server certificate of the input with the CA certificates that follow it in its file. */
export interface Presented {
  path: string;
  certs: Certificate[];
}

/** The certificates of one file, split into server chains and the CAs of no chain. */
export function splitFile(
  path: string,
  certs: readonly Certificate[],
  pool: readonly Certificate[],
  store: TrustStore,
): { chains: Presented[]; authorities: { cert: Certificate; reason: string }[] } {
  const chains: Presented[] = [];
  const authorities: { cert: Certificate; reason: string }[] = [];
  for (const c of certs) {
    const reason = authorityReason(c, pool, store);
    if (reason === undefined) chains.push({ path, certs: [c] });
    else if (chains.length > 0) chains[chains.length - 1]!.certs.push(c);
    else authorities.push({ cert: c, reason });
  }
  return { chains, authorities };
}

/** The names of a certificate for role decisions: DNS SANs, or the CN when it has none. */
const namesOf = (c: Certificate): string[] => {
  const dns = c.sans.filter((s) => s.type === 'dns').map((s) => normaliseName(s.value));
  if (dns.length || c.sans.length) return dns;
  const cn = commonNameOf(c.subject);
  return cn ? [normaliseName(cn)] : [];
};

export interface DeploymentNames {
  /** The web bridge name (--external): the one name required. */
  external: string;
  /** The other names the document puts on the Expressway-E certificate. */
  edgeNames: string[];
  /** Domains the deployment uses (from --external/--external-domain and --internal-domain). */
  domains: string[];
}

export function deploymentNames(t: { external: string; externalDomain?: string; internalDomain?: string }): DeploymentNames {
  const external = normaliseName(t.external);
  const domains = [normaliseName(t.externalDomain ?? external.split('.').slice(1).join('.'))];
  if (t.internalDomain) {
    const int = normaliseName(t.internalDomain);
    domains.push(int);
    if (int.split('.').length > 2) domains.push(int.split('.').slice(1).join('.'));
  }
  return { external, edgeNames: documentedEdgeNames(t), domains: [...new Set(domains.filter((d) => d.includes('.')))] };
}

/**
 * Which box a server certificate of the input belongs to, judged by its names:
 * - `edge`: it covers the web bridge name or another name the document puts on the
 *   Expressway-E certificate;
 * - `other`: it covers none of those but names something in the deployment's domains
 *   (the call bridge, the web bridge inside);
 * - `none`: it covers none of the deployment's names.
 */
export type Role = 'edge' | 'other' | 'none';

export function roleOf(c: Certificate, d: DeploymentNames): { role: Role; covered: string[] } {
  const covered = [d.external, ...d.edgeNames].filter((n) => coverage(n, c.sans).covered);
  if (covered.length) return { role: 'edge', covered };
  const inDomain = namesOf(c).filter((n) => {
    const bare = n.startsWith('*.') ? n.slice(2) : n;
    return d.domains.some((dom) => bare === dom || bare.endsWith(`.${dom}`));
  });
  return inDomain.length ? { role: 'other', covered: inDomain } : { role: 'none', covered: [] };
}
