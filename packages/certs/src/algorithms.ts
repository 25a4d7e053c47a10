import { children, oidOf, readTlv } from './der.js';

/** A signature algorithm as the certificate names it, with the hash that decides its strength. */
export interface SignatureAlgorithm {
  oid: string;
  name: string;
  /** Digest used, lower case (`sha256`); undefined for Ed25519/Ed448, which hash internally. */
  hash?: string;
}

/** OIDs of the signature algorithms seen on server certificates (RFC 3279, 4055, 5758, 8410). */
const SIGNATURE_OIDS: Readonly<Record<string, { name: string; hash?: string }>> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512' },
  '1.2.840.10040.4.3': { name: 'dsa-with-sha1', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-sha256', hash: 'sha256' },
  '1.3.101.112': { name: 'Ed25519' },
  '1.3.101.113': { name: 'Ed448' },
};

const HASH_OIDS: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.2.840.113549.2.5': 'md5',
};

/** Digests no longer acceptable on a certificate signature (CA/B Forum, browsers since 2017). */
export const WEAK_HASHES: ReadonlySet<string> = new Set(['md2', 'md5', 'sha1']);

/**
 * The outer signatureAlgorithm of a DER certificate. Read from the DER because
 * node:crypto does not expose it; RSASSA-PSS takes its hash from the parameters,
 * whose default (RFC 4055) is SHA-1.
 */
export function signatureAlgorithmOf(der: Uint8Array): SignatureAlgorithm {
  const outer = readTlv(der, 0);
  const alg = children(der, outer)[1];
  if (!alg) return { oid: '', name: 'unknown' };
  const [oidEl, params] = children(der, alg);
  if (!oidEl) return { oid: '', name: 'unknown' };
  const oid = oidOf(der, oidEl);
  const known = SIGNATURE_OIDS[oid];
  if (!known) return { oid, name: oid };
  if (known.name !== 'rsassaPss') return { oid, ...known };
  let hash = 'sha1';
  if (params && params.tag === 0x30) {
    const hashField = children(der, params).find((t) => t.tag === 0xa0);
    if (hashField) {
      const algId = readTlv(der, hashField.start, hashField.end);
      const hOid = children(der, algId)[0];
      if (hOid) hash = HASH_OIDS[oidOf(der, hOid)] ?? oidOf(der, hOid);
    }
  }
  return { oid, name: `rsassaPss(${hash})`, hash };
}
