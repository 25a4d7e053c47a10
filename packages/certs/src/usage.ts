import type { Certificate } from './certificate.js';

/** A certificate's stated purposes that stop it working as a TLS server certificate. */
export interface UsageProblem {
  code: 'cert/eku-server-auth-missing' | 'cert/key-usage-mismatch';
  /** fail: every current browser refuses it; warn: some do. */
  status: 'fail' | 'warn';
  title: string;
  detail: string;
}

export const SERVER_AUTH_OID = '1.3.6.1.5.5.7.3.1';

/** Key types that can only sign: a TLS handshake with them needs digitalSignature. */
const SIGN_ONLY = new Set(['ec', 'ed25519', 'ed448', 'dsa', 'rsa-pss']);

/**
 * Extended Key Usage (RFC 5280 4.2.1.12) of a certificate on a server's path. No
 * extension means any purpose; one without serverAuth restricts the key to other
 * purposes, on the leaf and (EKU chaining, as Chrome and Firefox apply it) on an
 * intermediate. anyExtendedKeyUsage in its place is accepted by Chrome but not by Firefox.
 */
export function ekuProblem(c: Certificate, who: string): UsageProblem | undefined {
  const eku = c.extendedKeyUsage;
  if (!eku || eku.includes('serverAuth')) return undefined;
  const listed = eku.join(', ') || 'no purpose';
  if (eku.includes('anyExtendedKeyUsage'))
    return {
      code: 'cert/eku-server-auth-missing',
      status: 'warn',
      title: `${who} has anyExtendedKeyUsage but not serverAuth in its Extended Key Usage`,
      detail: `Extended Key Usage: ${listed}. Chrome accepts anyExtendedKeyUsage for a TLS server; Firefox does not and refuses the certificate. Reissue it with serverAuth (${SERVER_AUTH_OID}).`,
    };
  return {
    code: 'cert/eku-server-auth-missing',
    status: 'fail',
    title: `${who} is not allowed for TLS servers: its Extended Key Usage lacks serverAuth`,
    detail: `Extended Key Usage: ${listed}. Browsers refuse a server certificate${c.isCa ? ' chained through a CA' : ''} whose Extended Key Usage exists but does not list serverAuth (${SERVER_AUTH_OID}).`,
  };
}

/**
 * Key Usage (RFC 5280 4.2.1.3) of the leaf against its key type. TLS 1.3 and every
 * ECDHE suite authenticate the server by a signature, so the key needs
 * digitalSignature; an RSA key limited to keyEncipherment works only for static RSA
 * key exchange, which TLS 1.3 removed and browsers are dropping.
 */
export function keyUsageProblem(c: Certificate, who: string): UsageProblem | undefined {
  const ku = c.keyUsage;
  if (!ku || ku.includes('digitalSignature')) return undefined;
  const type = c.publicKey.type;
  const listed = ku.join(', ') || 'no bit set';
  if (SIGN_ONLY.has(type))
    return {
      code: 'cert/key-usage-mismatch',
      status: 'fail',
      title: `${who} has a ${type.toUpperCase()} key whose Key Usage forbids signing`,
      detail: `Key Usage: ${listed}. A ${type} key authenticates a TLS server only by signing, which needs digitalSignature; browsers refuse the handshake (Chrome: ERR_SSL_KEY_USAGE_INCOMPATIBLE).`,
    };
  if (type === 'rsa' && ku.includes('keyEncipherment'))
    return {
      code: 'cert/key-usage-mismatch',
      status: 'warn',
      title: `${who} has an RSA key allowed only for key encipherment, not for signing`,
      detail: `Key Usage: ${listed}. Only static RSA key exchange (TLS 1.2 without forward secrecy) can use it; TLS 1.3 and ECDHE suites need digitalSignature, and Chrome (124 on, ERR_SSL_KEY_USAGE_INCOMPATIBLE) refuses the handshake unless it falls back to static RSA.`,
    };
  if (type === 'rsa')
    return {
      code: 'cert/key-usage-mismatch',
      status: 'fail',
      title: `${who} has an RSA key allowed neither for signing nor for key encipherment`,
      detail: `Key Usage: ${listed}. A TLS server key needs digitalSignature (or, for static RSA key exchange only, keyEncipherment).`,
    };
  return undefined;
}
