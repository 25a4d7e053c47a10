/**
 * Data that one check publishes for the checks that list it in `after`.
 * The ids and shapes are the seams between packages, so they live here.
 */

/** Published by `dns.webbridge`: what each view answered for the external web bridge name. */
export const DNS_WEBBRIDGE = 'dns.webbridge';
export interface DnsWebbridgeData {
  /** Addresses of the external view (after following CNAMEs); the edge as clients reach it. */
  externalAddresses: string[];
  /** Addresses of the internal view; the CMS web bridge as Expressway-C reaches it. */
  internalAddresses: string[];
}

/** Published by `cms.turn-servers`: the TURN server configured on CMS (never its password). */
export const CMS_TURN_SERVERS = 'cms.turn-servers';
export interface CmsTurnData {
  username?: string;
  serverAddress?: string;
  clientAddress?: string;
  tcpPortNumberOverride?: number;
}

/** Published by `cms.system-status`: the CMS software version. */
export const CMS_SYSTEM_STATUS = 'cms.system-status';
export interface CmsSystemData {
  softwareVersion?: string;
}

/** Published by `turn.allocate`: per-transport reachability, for the Expressway checks to interpret. */
export const TURN_ALLOCATE = 'turn.allocate';
export interface TurnReachabilityData {
  server: string;
  transports: { transport: 'udp' | 'tcp' | 'tls'; port: number; answered: boolean; code?: number }[];
  relayed?: { address: string; port: number };
}
