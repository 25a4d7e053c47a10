/**
 * What a Chromium navigation error means for the guest, as the cms-doctor code that names it.
 * The names are Chromium's (net/base/net_error_list.h); the mapping is this tool's.
 */
export type NavigationVerdict =
  | { kind: 'cert'; code: 'cert/untrusted' | 'cert/san-missing' | 'cert/expired' | 'browser/cert-rejected'; meaning: string }
  | { kind: 'unreachable'; meaning: string }
  | { kind: 'other'; meaning: string };

const CERT: Record<string, { code: 'cert/untrusted' | 'cert/san-missing' | 'cert/expired'; meaning: string }> = {
  ERR_CERT_AUTHORITY_INVALID: {
    code: 'cert/untrusted',
    meaning:
      'no trusted CA vouches for the certificate (self-signed, signed by a CA the browser does not trust, or an intermediate the edge does not send)',
  },
  ERR_CERT_COMMON_NAME_INVALID: { code: 'cert/san-missing', meaning: 'the certificate does not cover the name the guest browsed to' },
  ERR_CERT_DATE_INVALID: { code: 'cert/expired', meaning: 'the certificate is outside its validity dates (expired, or not yet valid)' },
};

const UNREACHABLE = new Set([
  'ERR_CONNECTION_REFUSED',
  'ERR_CONNECTION_TIMED_OUT',
  'ERR_TIMED_OUT',
  'ERR_ADDRESS_UNREACHABLE',
  'ERR_NETWORK_UNREACHABLE',
  'ERR_CONNECTION_FAILED',
]);

/** The `net::ERR_*` name in a navigation error message, if any. */
export const netErrorOf = (message: string): string | undefined => /net::(ERR_[A-Z0-9_]+)/.exec(message)?.[1];

export function navigationVerdict(netError: string): NavigationVerdict {
  const cert = CERT[netError];
  if (cert) return { kind: 'cert', ...cert };
  if (netError.startsWith('ERR_CERT_') || netError === 'ERR_BAD_SSL_CLIENT_AUTH_CERT')
    return { kind: 'cert', code: 'browser/cert-rejected', meaning: `Chromium refused the certificate (${netError})` };
  if (UNREACHABLE.has(netError)) return { kind: 'unreachable', meaning: `nothing answered HTTPS (${netError})` };
  return { kind: 'other', meaning: netError };
}
