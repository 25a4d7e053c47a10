import forge from 'node-forge';
import { CmsDoctorError, type Secret } from '@cms-doctor/core';

export interface Pkcs12Contents {
  /** DER of every certificate bag, in file order. */
  certificates: Buffer[];
  /** How many private keys the file holds (never read beyond counting). */
  privateKeys: number;
}

/**
 * Largest iteration count of one key derivation (MAC key, PBE or PBKDF2), and the most
 * iterations one file may cost in all. forge derives keys in JavaScript on the main thread
 * (about 2 us per PKCS#12-KDF round, 9 us per PBKDF2-SHA256 round here), where no deadline
 * can stop it: a valid 2.5 KB file with a MAC count of 2^31-1 would run for hours.
 * Real files use 2048 (OpenSSL), 2000 (Windows) or 10000 (Java).
 */
export const DEFAULT_MAX_KDF_ITERATIONS = 250_000;
const TOTAL_FACTOR = 4;

let maxKdfIterations = DEFAULT_MAX_KDF_ITERATIONS;

/** Raises or lowers the cap for this process (the CLI's --max-kdf-iterations). */
export function setMaxKdfIterations(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new CmsDoctorError('CMSD_USAGE', `the KDF iteration cap must be a positive integer, got ${n}`);
  maxKdfIterations = n;
}

/** The cap in force, handed to the worker thread that decodes PKCS#12 files. */
export const getMaxKdfIterations = (): number => maxKdfIterations;

export class KdfLimitError extends Error {}

/** Iterations left to the file being read; undefined outside readPkcs12. */
let meter: { left: number; max: number } | undefined;

function charge(iterations: unknown): void {
  if (!meter) return;
  const n = Number(iterations);
  if (!Number.isFinite(n) || n > meter.max)
    throw new KdfLimitError(`a key derivation asks for ${String(iterations)} iterations, above the limit of ${meter.max}`);
  meter.left -= n;
  if (meter.left < 0) throw new KdfLimitError(`its key derivations ask for more than ${meter.max * TOTAL_FACTOR} iterations in all`);
}

/**
 * forge calls its KDFs through these object properties (pkcs12.js, pbe.js), so wrapping
 * them meters every derivation before it starts, whatever part of the file asks for it.
 */
function installMeter(): void {
  type Kdf = (...args: unknown[]) => unknown;
  const wrap = (owner: Record<string, unknown>, name: string, iterArg: number): void => {
    const original = owner[name] as Kdf & { metered?: boolean };
    if (typeof original !== 'function' || original.metered) return;
    const metered = Object.assign(
      (...args: unknown[]): unknown => {
        charge(args[iterArg]);
        return original(...args);
      },
      { metered: true },
    );
    owner[name] = metered;
  };
  const f = forge as unknown as Record<string, Record<string, unknown>>;
  const pbe = (forge.pki as unknown as { pbe: Record<string, unknown> }).pbe;
  wrap(f.pkcs12 as Record<string, unknown>, 'generateKey', 3);
  wrap(pbe, 'generatePkcs12Key', 3);
  wrap(f.pkcs5 as Record<string, unknown>, 'pbkdf2', 2);
  if (f.pbkdf2 !== undefined) (forge as unknown as Record<string, unknown>).pbkdf2 = (f.pkcs5 as Record<string, unknown>).pbkdf2;
}
installMeter();

/**
 * Opens a PKCS#12 (PFX) file with node-forge, because Node has no PKCS#12 parser
 * and its TLS context refuses the RC2 `-legacy` files (dependency-findings.md §3).
 * forge reads the RSA certificates itself; for ECDSA/Ed25519 certificates, which it
 * cannot model, it still hands back the certificate's ASN.1, which we re-encode to DER.
 * Error messages never carry the password.
 */
export function readPkcs12(der: Uint8Array, password: Secret | undefined): Pkcs12Contents {
  let p12: forge.pkcs12.Pkcs12Pfx;
  meter = { left: maxKdfIterations * TOTAL_FACTOR, max: maxKdfIterations };
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(der).toString('binary')), false);
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password?.reveal() ?? '');
  } catch (e) {
    if (e instanceof KdfLimitError)
      throw new CmsDoctorError(
        'CMSD_UNSUPPORTED',
        `PKCS#12: not opened: ${e.message} (real files use about 2048; raise the cap with --max-kdf-iterations if you trust this file)`,
      );
    throw pkcs12Error(e, password !== undefined);
  } finally {
    meter = undefined;
  }
  const certificates: Buffer[] = [];
  let privateKeys = 0;
  for (const safe of p12.safeContents) {
    for (const bag of safe.safeBags) {
      if (bag.type === forge.pki.oids.certBag) {
        const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : (bag as { asn1?: forge.asn1.Asn1 }).asn1;
        if (asn1) certificates.push(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
      } else if (bag.type === forge.pki.oids.keyBag || bag.type === forge.pki.oids.pkcs8ShroudedKeyBag) {
        privateKeys++;
      }
    }
  }
  return { certificates, privateKeys };
}

/** Turns forge's messages into what the user can act on; the password never appears. */
function pkcs12Error(e: unknown, hadPassword: boolean): CmsDoctorError {
  const msg = (e as Error)?.message ?? String(e);
  if (/MAC could not be verified|Invalid password/i.test(msg)) {
    return new CmsDoctorError(
      'CMSD_PARSE',
      hadPassword
        ? 'PKCS#12: the password does not open this file (MAC check failed)'
        : 'PKCS#12: this file needs a password (--cert-password-file or CMS_DOCTOR_CERT_PASSWORD)',
    );
  }
  if (/unsupported|not supported|Unknown|only .* supported/i.test(msg)) {
    const oid = (e as { oid?: unknown; algorithm?: unknown })?.oid ?? (e as { algorithm?: unknown })?.algorithm;
    return new CmsDoctorError(
      'CMSD_UNSUPPORTED',
      `PKCS#12: ${msg.replace(/\s+$/, '')}${oid ? ` (${String(oid)})` : ''}; convert it with \`openssl pkcs12 -in F -nokeys -out certs.pem\` and give the PEM instead`,
    );
  }
  return new CmsDoctorError('CMSD_PARSE', `PKCS#12: ${msg}`);
}
