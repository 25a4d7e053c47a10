/**
 * Expressway diagnostic and event logs (`tvcs:`): `key="value"` records after a syslog
 * prefix, values often padded with spaces inside the quotes (`Dst-port=" 5062 "`). Only the
 * TLS negotiation errors are read: they show which peer refused which certificate.
 */
export interface TlsNegotiationError {
  line: number;
  direction: 'inbound' | 'outbound';
  peer: string;
  /** The peer's address. */
  peerIp?: string;
  /** The port of the service involved: the local port when inbound, the peer's when outbound. */
  servicePort?: number;
  detail: string;
  commonName?: string;
  text: string;
}

/** What a TLS failure's Detail means for the certificates, from the OpenSSL and Expressway wording. */
export interface TlsCause {
  cause: 'self-signed-chain' | 'identity-unacceptable' | 'certificate-unknown' | 'untrusted-issuer' | 'no-peer-certificate' | 'other';
  meaning: string;
}

const PAIR = /([A-Za-z][A-Za-z-]*)=\s*"([^"]*)"/g;
const TLS_EVENT = /Event=\s*"\s*(Inbound|Outbound) TLS Negotiation Error\s*"/;

export const isTvcsLogLine = (line: string): boolean => /\btvcs:\s+(?:tvcs:\s+)?(?:UTCTime|Event)="/.test(line) || TLS_EVENT.test(line);

/** The fields of one record, values trimmed. */
export function recordFields(line: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of line.matchAll(PAIR)) if (!out.has(m[1]!)) out.set(m[1]!, m[2]!.trim());
  return out;
}

export function parseTlsNegotiationError(line: string, n: number): TlsNegotiationError | undefined {
  const ev = TLS_EVENT.exec(line);
  if (!ev) return undefined;
  const f = recordFields(line);
  const inbound = ev[1] === 'Inbound';
  const ip = f.get(inbound ? 'Src-ip' : 'Dst-ip') ?? '?';
  const port = f.get(inbound ? 'Src-port' : 'Dst-port');
  const local = inbound ? f.get('Dst-port') : undefined;
  const service = Number(inbound ? local : port);
  return {
    line: n,
    direction: inbound ? 'inbound' : 'outbound',
    // Inbound: the peer's source port changes per connection; the local port says which service.
    peer: inbound ? `${ip} to local port ${local ?? '?'}` : `${ip}:${port ?? '?'}`,
    ...(ip !== '?' ? { peerIp: ip } : {}),
    ...(Number.isInteger(service) && service > 0 && service < 65536 ? { servicePort: service } : {}),
    detail: f.get('Detail') ?? '',
    ...(f.get('Common-name') ? { commonName: f.get('Common-name')! } : {}),
    text: line.length > 400 ? `${line.slice(0, 399)}…` : line,
  };
}

export function tlsCause(detail: string): TlsCause {
  if (/self.signed certificate in certificate chain/i.test(detail))
    return {
      cause: 'self-signed-chain',
      meaning: 'the chain presented ends at a self-signed root the receiving side does not trust',
    };
  if (/certificate identity was unacceptable/i.test(detail))
    return {
      cause: 'identity-unacceptable',
      meaning: "the peer's certificate does not carry the name or address it was reached by (SAN/CN mismatch)",
    };
  if (/alert certificate unknown|alert bad certificate/i.test(detail))
    return {
      cause: 'certificate-unknown',
      meaning: "the peer rejected this Expressway's certificate: it does not trust its issuer or the chain lacks an intermediate",
    };
  if (/unable to get (local )?issuer|unknown ca|certificate verify failed/i.test(detail))
    return {
      cause: 'untrusted-issuer',
      meaning: "the issuer of the peer's certificate is not in the trusted CA list",
    };
  if (/no certificate returned|peer did not return a certificate/i.test(detail))
    return {
      cause: 'no-peer-certificate',
      meaning:
        'the peer sent no certificate when mutual TLS asked for one (TAC 213863: the peer certificate lacked TLS Web Client Authentication)',
    };
  return {
    cause: 'other',
    meaning: 'the TLS handshake failed and the log gives no certificate reason',
  };
}
