/**
 * Pure decoders from a parsed CMS API element to typed records. The live client
 * and offline XML dumps share them, so a dump and a live answer are judged alike.
 */
import { childList, text, int, bool, asNode, type XmlNode } from '../xml.js';

export interface TurnServer {
  id: string;
  serverAddress?: string;
  clientAddress?: string;
  username?: string;
  type?: string;
  numRegistrations?: number;
  tcpPortNumberOverride?: number;
}
export interface TurnHostStatus {
  address?: string;
  portNumber?: number;
  reachable?: boolean;
  roundTripTimeMs?: number;
  mappedAddress?: string;
  mappedPortNumber?: number;
  numAllocations?: number;
}
export interface TurnServerStatus {
  status?: string;
  hosts: TurnHostStatus[];
}
export interface WebBridge {
  id: string;
  url?: string;
}
export interface WebBridgeStatus {
  status?: string;
}
export interface CallBridge {
  id: string;
  name?: string;
  address?: string;
  sipDomain?: string;
}
export interface CoSpace {
  id: string;
  name?: string;
  uri?: string;
  secondaryUri?: string;
  callId?: string;
}
export interface InboundDialPlanRule {
  id: string;
  domain?: string;
  priority?: number;
  /** The blueprint spells it `resolveTocoSpaces`; read case-insensitively. */
  resolveToCoSpaces?: boolean;
  resolveToUsers?: boolean;
  resolveToIvrs?: boolean;
  tenant?: string;
}
export interface SystemStatus {
  softwareVersion?: string;
  uptimeSeconds?: number;
  activated?: boolean;
  clusterEnabled?: boolean;
}
export interface Alarm {
  id: string;
  type?: string;
  activeTimeSeconds?: number;
  failureReason?: string;
  /** Other children (turnServer, callBridge, fileName...) as text. */
  params: Record<string, string>;
}
export interface LicenseFeature {
  name: string;
  status?: string;
  expiry?: string;
  limit?: number;
}
export interface Licensing {
  /** `/system/licensing` (2.x status, 3.x file contents) or `/clusterLicensing` (3.x). */
  source: 'licensing' | 'clusterLicensing';
  features: LicenseFeature[];
}

const idOf = (n: XmlNode): string => text(n, '@id')?.trim() ?? '';
const opt = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } => (v === undefined ? {} : ({ [k]: v } as { [P in K]?: V }));

export const decodeTurnServer = (n: XmlNode): TurnServer => ({
  id: idOf(n),
  ...opt('serverAddress', text(n, 'serverAddress')),
  ...opt('clientAddress', text(n, 'clientAddress')),
  ...opt('username', text(n, 'username')),
  ...opt('type', text(n, 'type')),
  ...opt('numRegistrations', int(text(n, 'numRegistrations'))),
  ...opt('tcpPortNumberOverride', int(text(n, 'tcpPortNumberOverride'))),
});

export const decodeTurnServerStatus = (n: XmlNode): TurnServerStatus => ({
  ...opt('status', text(n, 'status')),
  hosts: childList(n, 'host').map((h) => ({
    ...opt('address', text(h, 'address')),
    ...opt('portNumber', int(text(h, 'portNumber'))),
    ...opt('reachable', bool(text(h, 'reachable'))),
    ...opt('roundTripTimeMs', int(text(h, 'roundTripTimeMs'))),
    ...opt('mappedAddress', text(h, 'mappedAddress')),
    ...opt('mappedPortNumber', int(text(h, 'mappedPortNumber'))),
    ...opt('numAllocations', int(text(h, 'numAllocations') ?? text(n, 'numAllocations'))),
  })),
});

export const decodeWebBridge = (n: XmlNode): WebBridge => ({ id: idOf(n), ...opt('url', text(n, 'url')) });
export const decodeWebBridgeStatus = (n: XmlNode): WebBridgeStatus => ({ ...opt('status', text(n, 'status')) });
export const decodeCallBridge = (n: XmlNode): CallBridge => ({
  id: idOf(n),
  ...opt('name', text(n, 'name')),
  ...opt('address', text(n, 'address')),
  ...opt('sipDomain', text(n, 'sipDomain')),
});
export const decodeCoSpace = (n: XmlNode): CoSpace => ({
  id: idOf(n),
  ...opt('name', text(n, 'name')),
  ...opt('uri', text(n, 'uri')),
  ...opt('secondaryUri', text(n, 'secondaryUri')),
  ...opt('callId', text(n, 'callId')),
});
export const decodeInboundDialPlanRule = (n: XmlNode): InboundDialPlanRule => ({
  id: idOf(n),
  ...opt('domain', text(n, 'domain')),
  ...opt('priority', int(text(n, 'priority'))),
  ...opt('resolveToCoSpaces', bool(text(n, 'resolveToCoSpaces'))),
  ...opt('resolveToUsers', bool(text(n, 'resolveToUsers'))),
  ...opt('resolveToIvrs', bool(text(n, 'resolveToIvrs'))),
  ...opt('tenant', text(n, 'tenant')),
});
export const decodeSystemStatus = (n: XmlNode): SystemStatus => ({
  ...opt('softwareVersion', text(n, 'softwareVersion')),
  ...opt('uptimeSeconds', int(text(n, 'uptimeSeconds'))),
  ...opt('activated', bool(text(n, 'activated'))),
  ...opt('clusterEnabled', bool(text(n, 'clusterEnabled'))),
});
export const decodeAlarm = (n: XmlNode): Alarm => {
  const params: Record<string, string> = {};
  for (const k of Object.keys(n)) {
    if (k.startsWith('@') || k === 'type' || k === 'activeTimeSeconds' || k === 'failureReason' || k === '#text') continue;
    const v = text(n, k);
    if (v !== undefined) params[k] = v;
  }
  return {
    id: idOf(n),
    ...opt('type', text(n, 'type')),
    ...opt('activeTimeSeconds', int(text(n, 'activeTimeSeconds'))),
    ...opt('failureReason', text(n, 'failureReason')),
    params,
  };
};
export const decodeLicensing = (n: XmlNode, source: Licensing['source']): Licensing => {
  const features = asNode(n['features']);
  return {
    source,
    features: Object.keys(features)
      .filter((k) => !k.startsWith('@') && k !== '#text')
      .map((name) => {
        const f = asNode(features[name]);
        return { name, ...opt('status', text(f, 'status')), ...opt('expiry', text(f, 'expiry')), ...opt('limit', int(text(f, 'limit'))) };
      }),
  };
};

/** Collections by root element: element name of the items and their decoder. */
export const COLLECTIONS = {
  turnServers: { item: 'turnServer', decode: decodeTurnServer },
  webBridges: { item: 'webBridge', decode: decodeWebBridge },
  callBridges: { item: 'callBridge', decode: decodeCallBridge },
  coSpaces: { item: 'coSpace', decode: decodeCoSpace },
  inboundDialPlanRules: { item: 'inboundDialPlanRule', decode: decodeInboundDialPlanRule },
  alarms: { item: 'alarm', decode: decodeAlarm },
} as const;
export type CollectionName = keyof typeof COLLECTIONS;
