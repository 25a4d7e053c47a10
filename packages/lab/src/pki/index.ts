// @peculiar/x509 needs the reflect-metadata polyfill before it loads.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as px from '@peculiar/x509';

export type LabPkiVariant = 'good' | 'self-signed' | 'expired' | 'not-yet-valid' | 'wrong-san' | 'missing-intermediate' | 'expiring-soon';

export interface LabPkiOptions {
  /** DNS names for the leaf SANs (the first is also its CN). */
  names: string[];
  /** IP SANs. */
  ips?: string[];
  kind?: 'rsa' | 'ecdsa';
  variant?: LabPkiVariant;
  /** The clock to build validity around (default now). */
  now?: Date;
  /**
   * Leaf Extended Key Usage, by name or dotted OID (default serverAuth + clientAuth);
   * `[]` leaves the extension out.
   */
  leafEku?: readonly string[];
  /**
   * Leaf Key Usage bits (default digitalSignature, plus keyEncipherment for RSA);
   * `[]` leaves the extension out.
   */
  leafKeyUsage?: readonly LabKeyUsage[];
  /** Intermediate CA Extended Key Usage (default: no extension, as most CAs issue them). */
  intermediateEku?: readonly string[];
}

/** Key Usage bit names (RFC 5280 4.2.1.3). */
export type LabKeyUsage = keyof typeof px.KeyUsageFlags;

const EKU_OIDS: Readonly<Record<string, string>> = {
  serverAuth: px.ExtendedKeyUsage.serverAuth,
  clientAuth: px.ExtendedKeyUsage.clientAuth,
  codeSigning: px.ExtendedKeyUsage.codeSigning,
  emailProtection: px.ExtendedKeyUsage.emailProtection,
  timeStamping: px.ExtendedKeyUsage.timeStamping,
  OCSPSigning: px.ExtendedKeyUsage.ocspSigning,
  anyExtendedKeyUsage: '2.5.29.37.0',
};
const ekuExtension = (usages: readonly string[]): px.Extension[] =>
  usages.length === 0 ? [] : [new px.ExtendedKeyUsageExtension(usages.map((u) => EKU_OIDS[u] ?? u))];
const keyUsageFlags = (bits: readonly LabKeyUsage[]): number => bits.reduce((acc, b) => acc | px.KeyUsageFlags[b], 0);

export interface LabPki {
  /** What a client should trust: the root. */
  caPem: string;
  rootPem: string;
  intermediatePem?: string;
  /** The leaf alone. */
  certPem: string;
  /** What the server presents: leaf + intermediate (leaf only for self-signed and missing-intermediate). */
  chainPem: string;
  /** Leaf + intermediate + root. */
  fullChainPem: string;
  /** PKCS#8 private key of the leaf (lab material, never a real key). */
  keyPem: string;
  variant: LabPkiVariant;
  kind: 'rsa' | 'ecdsa';
}

const DAY = 86_400_000;

const ALGS = {
  rsa: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 },
  ecdsa: { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' },
} as const;

// Key generation dominates the cost (RSA 2048 especially); a lab process reuses three key pairs per kind.
const keyPool = new Map<string, Promise<webcrypto.CryptoKeyPair>>();
function keys(kind: 'rsa' | 'ecdsa', role: 'root' | 'intermediate' | 'leaf'): Promise<webcrypto.CryptoKeyPair> {
  const id = `${kind}:${role}`;
  let p = keyPool.get(id);
  if (!p) {
    p = webcrypto.subtle.generateKey(ALGS[kind], true, ['sign', 'verify']) as Promise<webcrypto.CryptoKeyPair>;
    keyPool.set(id, p);
  }
  return p;
}

let serial = 0x1000;
const nextSerial = (): string => (serial++).toString(16).padStart(4, '0');

/**
 * A root -> intermediate -> leaf PKI for tests and the lab, made with @peculiar/x509
 * over WebCrypto (no openssl process). `variant` injects one certificate fault.
 */
export async function createLabPki(opts: LabPkiOptions): Promise<LabPki> {
  const kind = opts.kind ?? 'ecdsa';
  const variant = opts.variant ?? 'good';
  const now = opts.now ?? new Date();
  const alg = ALGS[kind];
  const [rootKeys, interKeys, leafKeys] = await Promise.all([keys(kind, 'root'), keys(kind, 'intermediate'), keys(kind, 'leaf')]);
  const caValidity = { notBefore: new Date(now.getTime() - 30 * DAY), notAfter: new Date(now.getTime() + 3650 * DAY) };
  const leafValidity =
    variant === 'expired'
      ? { notBefore: new Date(now.getTime() - 400 * DAY), notAfter: new Date(now.getTime() - 30 * DAY) }
      : variant === 'not-yet-valid'
        ? { notBefore: new Date(now.getTime() + 30 * DAY), notAfter: new Date(now.getTime() + 400 * DAY) }
        : variant === 'expiring-soon'
          ? { notBefore: new Date(now.getTime() - 300 * DAY), notAfter: new Date(now.getTime() + 10 * DAY) }
          : { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY) };

  const caExtensions = async (pub: webcrypto.CryptoKey, issuerPub?: webcrypto.CryptoKey): Promise<px.Extension[]> => [
    new px.BasicConstraintsExtension(true, issuerPub ? 0 : 1, true),
    new px.KeyUsagesExtension(px.KeyUsageFlags.keyCertSign | px.KeyUsageFlags.cRLSign, true),
    await px.SubjectKeyIdentifierExtension.create(pub),
    ...(issuerPub ? [await px.AuthorityKeyIdentifierExtension.create(issuerPub)] : []),
    ...(issuerPub ? ekuExtension(opts.intermediateEku ?? []) : []),
  ];
  const root = await px.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: 'CN=cms-doctor lab root CA, O=cms-doctor lab',
    ...caValidity,
    keys: rootKeys,
    signingAlgorithm: alg,
    extensions: await caExtensions(rootKeys.publicKey),
  });
  const intermediate = await px.X509CertificateGenerator.create({
    serialNumber: nextSerial(),
    subject: 'CN=cms-doctor lab intermediate CA, O=cms-doctor lab',
    issuer: root.subject,
    ...caValidity,
    signingKey: rootKeys.privateKey,
    publicKey: interKeys.publicKey,
    signingAlgorithm: alg,
    extensions: await caExtensions(interKeys.publicKey, rootKeys.publicKey),
  });

  const dnsNames = variant === 'wrong-san' ? ['unrelated.lab.invalid'] : opts.names;
  const sans: px.JsonGeneralName[] = [
    ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...(variant === 'wrong-san' ? [] : (opts.ips ?? [])).map((value) => ({ type: 'ip' as const, value })),
  ];
  const leafExtensions: px.Extension[] = [
    new px.BasicConstraintsExtension(false, undefined, true),
    ...(opts.leafKeyUsage?.length === 0
      ? []
      : [
          new px.KeyUsagesExtension(
            opts.leafKeyUsage
              ? keyUsageFlags(opts.leafKeyUsage)
              : px.KeyUsageFlags.digitalSignature | (kind === 'rsa' ? px.KeyUsageFlags.keyEncipherment : 0),
            true,
          ),
        ]),
    ...ekuExtension(opts.leafEku ?? ['serverAuth', 'clientAuth']),
    new px.SubjectAlternativeNameExtension(sans),
    await px.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
  ];
  const subject = `CN=${dnsNames[0] ?? 'lab'}, O=cms-doctor lab`;
  const leaf =
    variant === 'self-signed'
      ? await px.X509CertificateGenerator.createSelfSigned({
          serialNumber: nextSerial(),
          name: subject,
          ...leafValidity,
          keys: leafKeys,
          signingAlgorithm: alg,
          extensions: leafExtensions,
        })
      : await px.X509CertificateGenerator.create({
          serialNumber: nextSerial(),
          subject,
          issuer: intermediate.subject,
          ...leafValidity,
          signingKey: interKeys.privateKey,
          publicKey: leafKeys.publicKey,
          signingAlgorithm: alg,
          extensions: [...leafExtensions, await px.AuthorityKeyIdentifierExtension.create(interKeys.publicKey)],
        });

  const pem = (c: px.X509Certificate): string => `${c.toString('pem').replace(/\r\n/g, '\n').trimEnd()}\n`;
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END PRIVATE KEY-----\n`;
  const presentsIntermediate = variant !== 'self-signed' && variant !== 'missing-intermediate';
  return {
    caPem: pem(root),
    rootPem: pem(root),
    ...(variant === 'self-signed' ? {} : { intermediatePem: pem(intermediate) }),
    certPem: pem(leaf),
    chainPem: pem(leaf) + (presentsIntermediate ? pem(intermediate) : ''),
    fullChainPem: pem(leaf) + (variant === 'self-signed' ? '' : pem(intermediate) + pem(root)),
    keyPem,
    variant,
    kind,
  };
}
