import type { TlsCause, TlsNegotiationError } from './tvcs-log.js';

/**
 * Which link of the deployment a TLS failure in an Expressway log belongs to, told by the port
 * of the service involved (the local port when inbound, the peer's when outbound). The fix
 * follows the link: a traversal zone failure is not fixed on the web bridge certificate.
 */
export type TlsPeerRole = 'traversal-zone' | 'neighbour-zone' | 'hybrid-zone' | 'web-proxy' | 'web-bridge' | 'unknown';

export interface TlsPeer {
  role: TlsPeerRole;
  /** Why the port means this link, with the source. */
  why: string;
}

export function tlsPeerOf(e: TlsNegotiationError): TlsPeer {
  const p = e.servicePort;
  if (p === 7001)
    return { role: 'traversal-zone', why: 'port 7001 is the traversal zone SIP TLS port (the document: traversal zone on port 7001)' };
  if (p !== undefined && p > 7001 && p <= 7009)
    return {
      role: 'traversal-zone',
      why: `port ${p}: traversal zones use 7001, plus one per further zone (Cisco Expressway IP Port Usage guide, X15)`,
    };
  if (p === 5062)
    return {
      role: 'hybrid-zone',
      why: 'port 5062 is the mutual TLS port of the Webex Hybrid DNS zone (TAC 212475)',
    };
  if (p === 5061) return { role: 'neighbour-zone', why: 'port 5061 is the default SIP over TLS port (RFC 3261), used by neighbour zones' };
  if (p === 443 && e.direction === 'inbound')
    return {
      role: 'web-proxy',
      why: 'inbound on local port 443: where guests reach the Expressway-E web proxy (the document; Cisco Expressway IP Port Usage guide, X15)',
    };
  if (p === 443 && e.direction === 'outbound')
    return {
      role: 'web-bridge',
      why: 'outbound to port 443: Expressway-C web bridge signalling to the Meeting Server (Cisco Expressway IP Port Usage guide, X15), or another HTTPS server',
    };
  return { role: 'unknown', why: p === undefined ? 'the log line names no port' : `port ${p} is not one cms-doctor knows the link of` };
}

export interface TlsFixChoice {
  fixes: string[];
  /** When no fix is chosen, or more than one link fits: what to check, in a sentence. */
  note?: string;
}

const certCause = (c: TlsCause): boolean => c.cause !== 'other';

/**
 * The fixes a TLS failure supports, chosen by the link and the cause. The web bridge SAN fix
 * (`edge-cert-san`) only when the name involved is the web bridge name (verdict rule 2).
 */
export function tlsFixesFor(peer: TlsPeer, cause: TlsCause, names: { commonName?: string; webBridgeName?: string }): TlsFixChoice {
  switch (peer.role) {
    case 'traversal-zone':
      return certCause(cause)
        ? { fixes: ['traversal-zone-tls'] }
        : {
            fixes: [],
            note: 'no certificate reason in the log: check that the Expressway-E traversal zone port is reachable from Expressway-C',
          };
    case 'hybrid-zone':
      // TAC 212475 lists a firewall that terminates the mutual TLS handshake among the causes.
      return { fixes: ['sip-zone-tls'] };
    case 'neighbour-zone':
      return certCause(cause) ? { fixes: ['sip-zone-tls'] } : { fixes: [], note: 'no certificate reason in the log' };
    case 'web-proxy': {
      if (cause.cause === 'identity-unacceptable') {
        const name = names.commonName?.trim().toLowerCase();
        const wb = names.webBridgeName?.trim().toLowerCase();
        if (name && wb && name === wb) return { fixes: ['edge-cert-san'] };
        return {
          fixes: [],
          note: wb
            ? `the name involved (${names.commonName ?? 'not in the log'}) is not the web bridge name ${names.webBridgeName ?? ''}: the web bridge SAN fix does not apply`
            : 'give --external to tell whether the name involved is the web bridge name',
        };
      }
      return certCause(cause) ? { fixes: ['edge-cert-trusted-ca'] } : { fixes: [], note: 'no certificate reason in the log' };
    }
    case 'web-bridge':
      return {
        fixes: [],
        note: 'check the certificate the HTTPS server (the CMS web bridge) presents and that the Expressway-C trusts its CA; the Expressway-E certificate is not involved',
      };
    default:
      return {
        fixes: [],
        note: 'find the zone or service that uses this peer and port (Configuration > Zones): traversal zones (7001), neighbour zones (5061), the Webex Hybrid DNS zone (5062) or the web proxy (443) each have their own fix',
      };
  }
}
