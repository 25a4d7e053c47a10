/** Plain, JSON-serialisable DNS data shared by the wire client, the dig and zone parsers and the checks. */

export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'SRV' | 'TXT' | 'NS' | 'SOA' | 'PTR' | 'MX';

export interface SrvData {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export interface DnsRecord {
  /** Owner name, lower case, without the trailing dot. */
  name: string;
  /** Type mnemonic (`A`, `SRV`, `TYPE65` for unknown ones). */
  type: string;
  ttl: number;
  /** Presentation form of the data: an address, a target name, `10 10 5222 xmpp.example`. */
  data: string;
  srv?: SrvData;
}

export const RCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
};
export const rcodeName = (rcode: number): string => RCODE_NAMES[rcode] ?? `RCODE${rcode}`;

/** Names compare case-insensitively and without the root dot (RFC 4343). */
export const normaliseName = (name: string): string => name.trim().replace(/\.$/, '').toLowerCase();

/** The data of an SRV record in presentation form. */
export const srvText = (s: SrvData): string => `${s.priority} ${s.weight} ${s.port} ${s.target}`;
