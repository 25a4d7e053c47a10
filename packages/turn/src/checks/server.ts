import type { CheckContext, CmsTurnData, DnsWebbridgeData } from '@cms-doctor/core';
import { CMS_TURN_SERVERS, DNS_WEBBRIDGE } from '@cms-doctor/core';
import type { TurnTransport } from '../client/connection.js';

export const TURN_PORT = 3478;
export const TURN_TLS_PORT = 443;

/** `host[:port]`, `[v6]:port` or a bare IPv6 address. */
export function splitHostPort(s: string, defaultPort: number): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : defaultPort };
  const parts = s.split(':');
  if (parts.length === 2 && /^\d+$/.test(parts[1]!)) return { host: parts[0]!, port: Number(parts[1]) };
  return { host: s, port: defaultPort };
}

export interface TurnPlan {
  host: string;
  /** Where the address came from, for the finding's detail. */
  from: 'turn' | 'edge' | 'dns.webbridge';
  ports: Record<TurnTransport, number>;
  transports: TurnTransport[];
  username?: string;
  usernameFrom?: 'turnUser' | 'cms.turn-servers';
  /** Inputs missing for an authenticated Allocate. */
  missing: string[];
  tcpExpected: boolean;
  /** TURN over TLS was asked for: --turn-tls-port, --transport tls, or CMS points clients at the TLS port. */
  tlsExpected: boolean;
}

/**
 * Where and how to probe: target.turn, else the edge host, else the first external
 * address `dns.webbridge` published; the username from target.turnUser, else CMS.
 */
export function planTurn(ctx: Pick<CheckContext, 'target' | 'get'>): TurnPlan | undefined {
  const t = ctx.target;
  const dns = ctx.get<DnsWebbridgeData>(DNS_WEBBRIDGE);
  const cms = ctx.get<CmsTurnData>(CMS_TURN_SERVERS);
  let host: string | undefined;
  let port = TURN_PORT;
  let from: TurnPlan['from'] = 'turn';
  // The edge's web proxy port stands for its 443 (a remapped lab or a port-forwarded edge).
  let edgeTlsPort: number | undefined;
  const edge = t.edge ? splitHostPort(t.edge, TURN_TLS_PORT) : undefined;
  if (t.turn) {
    ({ host, port } = splitHostPort(t.turn, TURN_PORT));
    if (edge?.host === host) edgeTlsPort = edge.port;
  } else if (edge) {
    ({ host, port: edgeTlsPort } = edge);
    from = 'edge';
  } else if (dns?.externalAddresses[0]) {
    host = dns.externalAddresses[0];
    from = 'dns.webbridge';
  }
  if (host === undefined) return undefined;
  const username = t.turnUser ?? cms?.username;
  const tlsPort = t.turnTlsPort ?? edgeTlsPort ?? TURN_TLS_PORT;
  const missing = [...(username === undefined ? ['turnUser'] : []), ...(t.turnPassword === undefined ? ['turnPassword'] : [])];
  return {
    host,
    from,
    ports: { udp: port, tcp: port, tls: tlsPort },
    transports: [...(t.turnTransports ?? ['udp', 'tcp', 'tls'])],
    ...(username !== undefined
      ? { username, usernameFrom: t.turnUser !== undefined ? ('turnUser' as const) : ('cms.turn-servers' as const) }
      : {}),
    missing,
    tcpExpected: t.turnTcpExpected === true || cms?.tcpPortNumberOverride !== undefined,
    tlsExpected: t.turnTlsPort !== undefined || t.turnTransports?.includes('tls') === true || cms?.tcpPortNumberOverride === tlsPort,
  };
}
