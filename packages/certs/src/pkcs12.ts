import forge from 'node-forge';
import { CmsDoctorError, type Secret } from '@cms-doctor/core';

export interface Pkcs12Contents {
  /** DER of every certificate bag, in file order. */
  certificates: Buffer[];
  /** How many private keys the file holds (never read beyond counting). */
  privateKeys: number;
}

/**
 * Opens a PKCS#12 (PFX) file with node-forge, because Node has no PKCS#12 parser
 * and its TLS context refuses the RC2 `-legacy` files (dependency-findings.md §3).
 * forge reads the RSA certificates itself; for ECDSA/Ed25519 certificates, which it
 * cannot model, it still hands back the certificate's ASN.1, which we re-encode to DER.
 * Error messages never carry the password.
 */
export function readPkcs12(der: Uint8Array, password: Secret | undefined): Pkcs12Contents {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(der).toString('binary')), false);
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password?.reveal() ?? '');
  } catch (e) {
    throw pkcs12Error(e, password !== undefined);
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
