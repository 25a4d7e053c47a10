import { X509Certificate, createHash } from 'node:crypto';
import { CmsDoctorError } from '@cms-doctor/core';
import { px } from './x509.js';
import { signatureAlgorithmOf, type SignatureAlgorithm } from './algorithms.js';

/** A subject alternative name, typed. */
export interface SanName {
  type: 'dns' | 'ip' | 'email' | 'uri' | 'other';
  value: string;
}

/** The public key as far as strength is concerned. */
export interface PublicKeyInfo {
  /** node:crypto's asymmetricKeyType: rsa, rsa-pss, ec, ed25519, ed448, dsa. */
  type: string;
  bits?: number;
  curve?: string;
}

/**
 * One certificate, parsed by node:crypto (signatures, validity, fingerprints) and,
 * lazily, by @peculiar/x509 (the extensions node:crypto does not expose properly:
 * its `keyUsage` is really the EKU list).
 */
export class Certificate {
  readonly der: Buffer;
  readonly x509: X509Certificate;
  /** Where it came from: `file.pem#2`, `tls:host:port#0`. */
  readonly source: string | undefined;
  #ext: px.X509Certificate | null | undefined;

  constructor(der: Uint8Array, source?: string) {
    this.der = Buffer.from(der);
    this.source = source;
    try {
      this.x509 = new X509Certificate(this.der);
    } catch (e) {
      throw new CmsDoctorError('CMSD_PARSE', `not a readable X.509 certificate${source ? ` (${source})` : ''}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  /** @peculiar/x509 view, or null when it cannot parse this certificate. */
  get ext(): px.X509Certificate | null {
    if (this.#ext === undefined) {
      try {
        this.#ext = new px.X509Certificate(this.der);
      } catch {
        this.#ext = null;
      }
    }
    return this.#ext;
  }

  get sha256(): string {
    return createHash('sha256').update(this.der).digest('hex');
  }
  get sha1(): string {
    return createHash('sha1').update(this.der).digest('hex');
  }
  get subject(): string {
    return oneLine(this.x509.subject);
  }
  get issuer(): string {
    return oneLine(this.x509.issuer);
  }
  get notBefore(): Date {
    return new Date(this.x509.validFrom);
  }
  get notAfter(): Date {
    return new Date(this.x509.validTo);
  }
  get isCa(): boolean {
    return this.x509.ca;
  }

  get signatureAlgorithm(): SignatureAlgorithm {
    try {
      return signatureAlgorithmOf(this.der);
    } catch {
      return { oid: '', name: 'unknown' };
    }
  }

  get publicKey(): PublicKeyInfo {
    let k;
    try {
      k = this.x509.publicKey;
    } catch {
      // A key this Node's OpenSSL cannot decode (ML-DSA on Node 20): named as such, never judged strong.
      return { type: 'unsupported' };
    }
    const d = k.asymmetricKeyDetails ?? {};
    const info: PublicKeyInfo = { type: k.asymmetricKeyType ?? 'unknown' };
    if (d.modulusLength !== undefined) info.bits = d.modulusLength;
    if (d.namedCurve !== undefined) {
      info.curve = d.namedCurve;
      info.bits = CURVE_BITS[d.namedCurve];
    }
    if (info.type === 'ed25519') info.bits = 256;
    if (info.type === 'ed448') info.bits = 456;
    return info;
  }

  /** SANs, typed. From @peculiar/x509, else from node:crypto's string form. */
  get sans(): SanName[] {
    const ext = this.ext?.getExtension(px.SubjectAlternativeNameExtension);
    if (ext) {
      return ext.names.items.map((n) => ({ type: SAN_TYPES[n.type] ?? 'other', value: String(n.value) }));
    }
    return parseNodeSan(this.x509.subjectAltName);
  }

  /** Whether the certificate has a SAN extension at all (an empty one is not the same as none). */
  get hasSanExtension(): boolean {
    try {
      if (this.ext?.getExtension('2.5.29.17')) return true;
    } catch {
      // fall through to node:crypto
    }
    return this.x509.subjectAltName !== undefined;
  }

  /** KeyUsage bit names (digitalSignature, keyEncipherment, keyCertSign, ...). */
  get keyUsage(): string[] | undefined {
    const ku = this.ext?.getExtension(px.KeyUsagesExtension);
    if (!ku) return undefined;
    return Object.entries(KEY_USAGE_BITS)
      .filter(([, bit]) => (ku.usages & bit) !== 0)
      .map(([n]) => n);
  }

  /** Extended key usage OIDs, named where known (serverAuth, clientAuth). */
  get extendedKeyUsage(): string[] | undefined {
    const eku = this.ext?.getExtension(px.ExtendedKeyUsageExtension);
    if (eku) return Array.from(eku.usages, (u) => EKU_NAMES[String(u)] ?? String(u));
    const fromNode = this.x509.keyUsage; // node:crypto returns the EKU OIDs here
    return fromNode ? fromNode.map((u) => EKU_NAMES[u] ?? u) : undefined;
  }

  /**
   * Where the issuing CA publishes revocation status: CRL distribution points and OCSP
   * responders (URIs only). cms-doctor never fetches them; they are evidence for a human.
   */
  get revocationSources(): { crl: string[]; ocsp: string[] } {
    const uris = (names: readonly px.GeneralName[] | undefined): string[] =>
      (names ?? []).filter((n) => n.type === 'url').map((n) => n.value);
    let crl: string[] = [];
    let ocsp: string[] = [];
    try {
      crl = (this.ext?.getExtension(px.CRLDistributionPointsExtension)?.distributionPoints ?? []).flatMap((d) =>
        (d.distributionPoint?.fullName ?? []).flatMap((g) => (g.uniformResourceIdentifier ? [g.uniformResourceIdentifier] : [])),
      );
    } catch {
      crl = [];
    }
    try {
      ocsp = uris(this.ext?.getExtension(px.AuthorityInfoAccessExtension)?.ocsp);
    } catch {
      ocsp = [];
    }
    return { crl, ocsp };
  }

  /**
   * Where the issuer's certificate is published (Authority Information Access, caIssuers):
   * a public CA names its intermediate here, so its absence from a chain is the server's omission.
   */
  get caIssuers(): string[] {
    try {
      return (this.ext?.getExtension(px.AuthorityInfoAccessExtension)?.caIssuers ?? []).filter((n) => n.type === 'url').map((n) => n.value);
    } catch {
      return [];
    }
  }

  /** Whether `issuer`'s key verifies this certificate's signature (names checked too). */
  issuedBy(issuer: Certificate): boolean {
    try {
      return this.x509.checkIssued(issuer.x509) && this.x509.verify(issuer.x509.publicKey);
    } catch {
      return false;
    }
  }

  /** Self-signed by signature: its own public key verifies it. Names are not compared. */
  get selfSigned(): boolean {
    try {
      return this.x509.verify(this.x509.publicKey);
    } catch {
      return false;
    }
  }

  /** This certificate as evidence (certificateEvidence): callers need no import of this package to show one. */
  evidence(position?: number): Record<string, unknown> & { kind: 'certificate' } {
    return certificateEvidence(this, position);
  }
}

/** Evidence for one certificate: plain JSON, no key material beyond the public key's type and size. */
export function certificateEvidence(c: Certificate, position?: number): Record<string, unknown> & { kind: 'certificate' } {
  const ev: Record<string, unknown> & { kind: 'certificate' } = {
    kind: 'certificate',
    ...(position !== undefined ? { position } : {}),
    ...(c.source ? { source: c.source } : {}),
    subject: c.subject,
    issuer: c.issuer,
    serialNumber: c.x509.serialNumber,
    sans: c.sans.map((s) => `${s.type}:${s.value}`),
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    sha256: c.sha256,
    sha1: c.sha1,
    publicKey: c.publicKey,
    signatureAlgorithm: c.signatureAlgorithm.name,
    isCa: c.isCa,
    selfSigned: c.selfSigned,
  };
  const ku = c.keyUsage;
  if (ku) ev.keyUsage = ku;
  const eku = c.extendedKeyUsage;
  if (eku) ev.extendedKeyUsage = eku;
  return ev;
}

const oneLine = (dn: string | undefined): string => (dn ?? '').split('\n').filter(Boolean).join(', ');

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  'P-256': 256,
  secp384r1: 384,
  'P-384': 384,
  secp521r1: 521,
  'P-521': 521,
  prime192v1: 192,
  secp224r1: 224,
  secp256k1: 256,
};

const SAN_TYPES: Record<string, SanName['type']> = { dns: 'dns', ip: 'ip', email: 'email', url: 'uri' };

const KEY_USAGE_BITS: Record<string, number> = {
  digitalSignature: 1,
  nonRepudiation: 2,
  keyEncipherment: 4,
  dataEncipherment: 8,
  keyAgreement: 16,
  keyCertSign: 32,
  cRLSign: 64,
  encipherOnly: 128,
  decipherOnly: 256,
};

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

/** `DNS:a.example, IP Address:192.0.2.1, email:x@y` (node:crypto's rendering). */
export function parseNodeSan(text: string | undefined): SanName[] {
  if (!text) return [];
  return text.split(/,\s*/).flatMap((part): SanName[] => {
    const i = part.indexOf(':');
    if (i < 0) return [];
    const tag = part.slice(0, i).trim();
    const value = part
      .slice(i + 1)
      .trim()
      .replace(/^"|"$/g, '');
    const type: SanName['type'] =
      tag === 'DNS' ? 'dns' : tag === 'IP Address' ? 'ip' : tag === 'email' ? 'email' : tag === 'URI' ? 'uri' : 'other';
    return [{ type, value }];
  });
}
