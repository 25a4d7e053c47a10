import { recordFields } from './tvcs-log.js';

/**
 * Expressway log records other than the TLS negotiation errors: `network.tcp` closes with a
 * `Reason`, the Expressway-C probe of a Meeting Server web bridge (`CMS check failed`), the
 * cluster database's configuration records (`Node="clusterdb@..."`), the web interface's
 * configuration audit (`httpd[...]: web: Event=`) and alarms (`alarm: ... Event="Alarm Raised"`).
 * Wording and fields from Cisco TAC documents 213863, 213481 and 217230.
 */

const clip = (line: string): string => (line.length > 400 ? `${line.slice(0, 399)}…` : line);

/** An Expressway log record of any of the processes this package reads. */
export function isExpresswayRecord(line: string): boolean {
  return (
    /\btvcs:\s+(?:tvcs:\s+)?(?:UTCTime|Event)="/.test(line) ||
    /Event=\s*"\s*(?:Inbound|Outbound) TLS Negotiation Error/.test(line) ||
    /\bUTCTime="[^"]*".*\bNode="clusterdb@/.test(line) ||
    /\bhttpd\[\d+\]:\s+web:\s+Event="/.test(line) ||
    /\balarm:\s+Level="[^"]*"\s+Event="Alarm /.test(line) ||
    /\bmanagement:\s+UTCTime="[^"]*"\s+Module="developer\./.test(line) ||
    /\bUTCTime="[^"]*"\s+Module="(?:network|developer)\.[a-z0-9.]+"\s+Level="/i.test(line) ||
    // A fragment copied without its timestamp (TechNote 213481 quotes only these fields).
    /Detail="\s*CMS check failed\s*"\s+Address="/i.test(line)
  );
}

export interface TcpClose {
  line: number;
  /** `ip:port` of the far end (the destination of the connection this Expressway opened). */
  peer: string;
  reason: string;
  text: string;
}

/** `Module="network.tcp" ... Detail="TCP Connection Closed" Reason="no certificate returned"` (TAC 213863). */
export function parseTcpClose(line: string, n: number): TcpClose | undefined {
  if (!/Module="network\.tcp"/.test(line) || !/\bReason="/.test(line)) return undefined;
  const f = recordFields(line);
  const reason = f.get('Reason');
  if (!reason) return undefined;
  return { line: n, peer: `${f.get('Dst-ip') ?? '?'}:${f.get('Dst-port') ?? '?'}`, reason, text: clip(line) };
}

export interface CmsCheckFailure {
  line: number;
  address: string;
  error: string;
  text: string;
}

/** `Detail=" CMS check failed " Address="192.168.1.212", Error="[Errno 111] Connection refused "` (TAC 213481). */
export function parseCmsCheckFailed(line: string, n: number): CmsCheckFailure | undefined {
  if (!/Detail="\s*CMS check failed\s*"/i.test(line)) return undefined;
  const f = recordFields(line);
  return { line: n, address: f.get('Address') ?? '?', error: f.get('Error') ?? '', text: clip(line) };
}

/** One web bridge as Expressway-C stored it after resolving the guest account client URI. */
export interface EdgeCmsServer {
  uuid: string;
  /** The guest account client URI host the web bridge was found through. */
  name: string;
  values: Map<string, { value: string; line: number }>;
  firstLine: number;
}

const CDB = /xconfiguration edgeCmsServerAddresses uuid (\S+) name: (\S+) (name|guid|dnsname|address|priority|weight|port): ?(.*)$/;

/** `Detail="xconfiguration edgeCmsServerAddresses uuid U name: N address: 192.168.1.211 "` (TAC 213481). */
export function parseEdgeCmsServerRecord(line: string): { uuid: string; name: string; field: string; value: string } | undefined {
  if (!line.includes('edgeCmsServerAddresses')) return undefined;
  const detail = recordFields(line).get('Detail');
  const m = detail ? CDB.exec(detail) : null;
  if (!m) return undefined;
  return { uuid: m[1]!, name: m[2]!.toLowerCase(), field: m[3]!, value: m[4]!.trim() };
}

export function collectEdgeCmsServers(records: readonly { line: number; text: string }[]): EdgeCmsServer[] {
  const byUuid = new Map<string, EdgeCmsServer>();
  for (const r of records) {
    const p = parseEdgeCmsServerRecord(r.text);
    if (!p) continue;
    const s = byUuid.get(p.uuid) ?? { uuid: p.uuid, name: p.name, values: new Map(), firstLine: r.line };
    if (!s.values.has(p.field)) s.values.set(p.field, { value: p.value, line: r.line });
    byUuid.set(p.uuid, s);
  }
  return [...byUuid.values()];
}

export interface ConfigChange {
  line: number;
  /** The guest account client URI set on the Cisco Meeting Server page (`cmsadd /name`). */
  guestUri?: string;
  detail: string;
  text: string;
}

/** `httpd[8724]: web: Event="System Configuration Changed" Detail="commands/ cmsadd /name - created with value: ' joinext.vngtp.cms '"`. */
export function parseWebConfigChange(line: string, n: number): ConfigChange | undefined {
  if (!/\bweb:\s+Event="System Configuration Changed"/.test(line)) return undefined;
  const detail = recordFields(line).get('Detail') ?? '';
  const uri = /cmsadd \/name - (?:created with value|changed from: '[^']*' to): '\s*([^'\s]+)\s*'/.exec(detail);
  return { line: n, ...(uri ? { guestUri: uri[1]!.toLowerCase() } : {}), detail, text: clip(line) };
}

export interface AlarmRecord {
  line: number;
  event: string;
  id: string;
  detail: string;
  text: string;
}

/** `alarm: Level="WARN" Event="Alarm Raised" Id="20006" ... Detail="Cluster database communication failure: ..."` (TAC 217230). */
export function parseAlarm(line: string, n: number): AlarmRecord | undefined {
  if (!/\balarm:\s+Level="/.test(line)) return undefined;
  const f = recordFields(line);
  const event = f.get('Event');
  if (!event || !/^Alarm /.test(event)) return undefined;
  return { line: n, event, id: f.get('Id') ?? '?', detail: f.get('Detail') ?? '', text: clip(line) };
}
