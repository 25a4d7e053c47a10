import { connect, type ConnectionOptions, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { CmsDoctorError, linkSignals, withSignal } from '@cms-doctor/core';
import { Certificate } from './certificate.js';

export interface FetchChainOptions {
  /** Address to connect to (an IP or a host name). */
  host: string;
  port: number;
  /** Name sent as SNI; the connection address is not changed by it. Not sent when it is an IP. */
  servername?: string;
  signal?: AbortSignal;
  /** Own deadline in ms, on top of `signal` (default 10 s). */
  timeoutMs?: number;
}

export interface PeerChain {
  /** As the server sent them, leaf first (order as linked by issuer; extras the server sent off-path are dropped by Node). */
  certificates: Certificate[];
  /** `host:port` actually connected to. */
  address: string;
  servername?: string;
  protocol: string | null;
  cipher?: string;
  /** Bytes of the OCSP response the server stapled (status_request), if any; not verified. */
  ocspStapledBytes?: number;
}

/**
 * A placeholder trust anchor that signs nothing. Node's getPeerCertificate(true)
 * completes the chain from the context's CA store (so a root the server never
 * sent would appear as sent); giving a store holding only this certificate keeps
 * the chain to what the server presented. Verification is done by evaluateChain.
 */
const PLACEHOLDER_CA = `-----BEGIN CERTIFICATE-----
MIIBhzCCATmgAwIBAgIUd4/G7qgiC0Wk3NbA1/IFNl02vhcwBQYDK2VwMDgxNjA0
BgNVBAMMLWNtcy1kb2N0b3IgcGxhY2Vob2xkZXIgYW5jaG9yIChuZXZlciB0cnVz
dGVkKTAgFw0yNjExMjUxNzI0NTlaGA8yMTI2MTEwMTE3MjQ1OVowODE2MDQGA1UE
AwwtY21zLWRvY3RvciBwbGFjZWhvbGRlciBhbmNob3IgKG5ldmVyIHRydXN0ZWQp
MCowBQYDK2VwAyEA6RTHjOmpTC0Rm/Ny0oVfA/0BvzHpkZes4cwhzL9U0QyjUzBR
MB0GA1UdDgQWBBTPgC+ctNh5bN9jfOl9HA3g5hcC8jAfBgNVHSMEGDAWgBTPgC+c
tNh5bN9jfOl9HA3g5hcC8jAPBgNVHRMBAf8EBTADAQH/MAUGAytlcANBAMeYUwqC
cEV0TMHhx6H7ooDwYq3Vve5L7rrdb8tzmaDvBZQF8PWrwQYnebTglYKYrXGBUHxk
sa/64W81voKlFgU=
-----END CERTIFICATE-----
`;

/**
 * Opens TLS to `host:port` presenting `servername` as SNI (e.g. the external web
 * bridge name at the edge's address) and returns the certificates the server sent.
 * Verification is off on purpose: we want the chain even when it is bad. Ends at
 * the deadline (a server that stalls the handshake gives CMSD_TIMEOUT).
 */
export async function fetchPeerChain(opts: FetchChainOptions): Promise<PeerChain> {
  const { signal, release } = linkSignals(AbortSignal.timeout(opts.timeoutMs ?? 10_000), opts.signal);
  const address = `${isIP(opts.host) === 6 ? `[${opts.host}]` : opts.host}:${opts.port}`;
  const sni = opts.servername && !isIP(opts.servername) ? opts.servername : undefined;
  let socket: TLSSocket | undefined;
  const handshake = new Promise<PeerChain>((resolve, reject) => {
    socket = connect({
      host: opts.host,
      port: opts.port,
      ...(sni ? { servername: sni } : {}),
      rejectUnauthorized: false,
      ca: [PLACEHOLDER_CA],
      // Asks for a stapled OCSP response in the same handshake (no extra connection); only
      // its presence is reported, as evidence of what a browser may get.
      // (tls.connect passes it to TLSSocket; @types/node lists it only there.)
      ...({ requestOCSP: true } as ConnectionOptions),
    });
    let stapled: number | undefined;
    // Emitted with null when the server staples nothing.
    socket.once('OCSPResponse', (r: Buffer | null) => {
      if (r && r.length > 0) stapled = r.length;
    });
    socket.once('secureConnect', () => {
      const s = socket!;
      try {
        // getPeerCertificate(true) must come before getPeerX509Certificate(): called after it, it returned {} (dependency-findings.md §3.2).
        const certificates = walkChain(s.getPeerCertificate(true), address);
        if (certificates.length === 0) {
          const leaf = s.getPeerX509Certificate();
          if (leaf) certificates.push(new Certificate(leaf.raw, `tls:${address}#0`));
        }
        if (certificates.length === 0) throw new CmsDoctorError('CMSD_PROTOCOL', `${address} completed TLS without a certificate`);
        const cipher = s.getCipher()?.name;
        resolve({
          certificates,
          address,
          ...(sni ? { servername: sni } : {}),
          protocol: s.getProtocol(),
          ...(cipher ? { cipher } : {}),
          ...(stapled ? { ocspStapledBytes: stapled } : {}),
        });
      } catch (e) {
        reject(e as Error);
      }
    });
    socket.once('error', (e: Error & { code?: string }) => {
      reject(
        new CmsDoctorError(
          'CMSD_NETWORK',
          `TLS to ${address}${sni ? ` (SNI ${sni})` : ''} failed: ${e.code ? `${e.code} ` : ''}${e.message}`,
          { cause: e },
        ),
      );
    });
  });
  try {
    return await withSignal(handshake, signal, () => socket?.destroy());
  } catch (e) {
    if (e instanceof CmsDoctorError && e.code === 'CMSD_TIMEOUT') {
      throw new CmsDoctorError(
        'CMSD_TIMEOUT',
        `TLS to ${address}${sni ? ` (SNI ${sni})` : ''}: no complete handshake before the deadline`,
        { cause: e },
      );
    }
    throw e;
  } finally {
    socket?.destroy();
    release();
  }
}

function walkChain(peer: DetailedPeerCertificate, address: string): Certificate[] {
  const out: Certificate[] = [];
  const seen = new Set<string>();
  for (let cur: DetailedPeerCertificate | undefined = peer; cur?.raw && !seen.has(cur.fingerprint256); cur = cur.issuerCertificate) {
    seen.add(cur.fingerprint256);
    out.push(new Certificate(cur.raw, `tls:${address}#${out.length}`));
  }
  return out;
}
