import type { CmsApi } from './client.js';
import { isCmsApiError } from './errors.js';
import {
  COLLECTIONS,
  decodeTurnServer,
  decodeTurnServerStatus,
  decodeWebBridgeStatus,
  decodeInboundDialPlanRule,
  decodeSystemStatus,
  decodeLicensing,
  type TurnServer,
  type TurnServerStatus,
  type WebBridge,
  type WebBridgeStatus,
  type CallBridge,
  type CoSpace,
  type InboundDialPlanRule,
  type Alarm,
  type Licensing,
} from './decode.js';

/** A typed answer plus the raw XML bodies it came from (kept as evidence). */
export interface Fetched<T> {
  value: T;
  total?: number;
  xml: string[];
}

const listOf = async <T>(api: CmsApi, path: string, name: keyof typeof COLLECTIONS, signal: AbortSignal): Promise<Fetched<T[]>> => {
  const c = COLLECTIONS[name];
  const page = await api.list(path, c.item, signal);
  return { value: page.items.map((n) => c.decode(n) as T), total: page.total, xml: page.bodies };
};
const one = async <T>(
  api: CmsApi,
  path: string,
  decode: (n: import('../xml.js').XmlNode) => T,
  signal: AbortSignal,
): Promise<Fetched<T>> => {
  const res = await api.get(path, signal);
  return { value: decode(res.node), xml: [res.text] };
};
const seg = (id: string): string => encodeURIComponent(id);

export const getTurnServers = (api: CmsApi, signal: AbortSignal) => listOf<TurnServer>(api, '/turnServers', 'turnServers', signal);
export const getTurnServer = (api: CmsApi, id: string, signal: AbortSignal) =>
  one(api, `/turnServers/${seg(id)}`, decodeTurnServer, signal);
export const getTurnServerStatus = (api: CmsApi, id: string, signal: AbortSignal): Promise<Fetched<TurnServerStatus>> =>
  one(api, `/turnServers/${seg(id)}/status`, decodeTurnServerStatus, signal);
export const getWebBridges = (api: CmsApi, signal: AbortSignal) => listOf<WebBridge>(api, '/webBridges', 'webBridges', signal);
export const getWebBridgeStatus = (api: CmsApi, id: string, signal: AbortSignal): Promise<Fetched<WebBridgeStatus>> =>
  one(api, `/webBridges/${seg(id)}/status`, decodeWebBridgeStatus, signal);
export const getCallBridges = (api: CmsApi, signal: AbortSignal) => listOf<CallBridge>(api, '/callBridges', 'callBridges', signal);
export const getCoSpaces = (api: CmsApi, signal: AbortSignal) => listOf<CoSpace>(api, '/coSpaces', 'coSpaces', signal);
export const getSystemStatus = (api: CmsApi, signal: AbortSignal) => one(api, '/system/status', decodeSystemStatus, signal);
export const getSystemAlarms = (api: CmsApi, signal: AbortSignal) => listOf<Alarm>(api, '/system/alarms', 'alarms', signal);

/**
 * Incoming call handling rules. The list holds only domain and priority, so each rule
 * is fetched for its resolveTo* flags (a few rules in practice; capped).
 */
export async function getInboundDialPlanRules(api: CmsApi, signal: AbortSignal, maxDetail = 50): Promise<Fetched<InboundDialPlanRule[]>> {
  const list = await listOf<InboundDialPlanRule>(api, '/inboundDialPlanRules', 'inboundDialPlanRules', signal);
  const xml = [...list.xml];
  const value = await Promise.all(
    list.value.map(async (rule, i) => {
      if (i >= maxDetail || rule.id === '') return rule;
      const res = await api.get(`/inboundDialPlanRules/${seg(rule.id)}`, signal);
      xml.push(res.text);
      return { ...rule, ...decodeInboundDialPlanRule(res.node), id: rule.id };
    }),
  );
  return { value, ...(list.total === undefined ? {} : { total: list.total }), xml };
}

/** Major version from a CMS softwareVersion such as `2.9.1`, `3.8` or `2.0(RC)`. */
export const majorOf = (version: string | undefined): number | undefined => {
  const m = /^(\d+)\./.exec(version?.trim() ?? '');
  return m ? Number(m[1]) : undefined;
};

/**
 * Licence status. CMS 2.x gives status in `/system/licensing`; from 3.0 that node holds
 * only the licence file and `/clusterLicensing` holds the status.
 */
export async function getLicensing(api: CmsApi, version: string | undefined, signal: AbortSignal): Promise<Fetched<Licensing>> {
  const major = majorOf(version);
  if (major !== undefined && major >= 3) {
    return one(api, '/clusterLicensing', (n) => decodeLicensing(n, 'clusterLicensing'), signal);
  }
  const lic = await one(api, '/system/licensing', (n) => decodeLicensing(n, 'licensing'), signal);
  if (major === undefined && !lic.value.features.some((f) => f.status !== undefined)) {
    try {
      return await one(api, '/clusterLicensing', (n) => decodeLicensing(n, 'clusterLicensing'), signal);
    } catch (e) {
      if (!isCmsApiError(e) || e.kind !== 'not-found') throw e;
    }
  }
  return lic;
}
