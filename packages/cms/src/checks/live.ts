/** Live checks against the CMS REST API (`run --cms-api`). */
import {
  defineCheck,
  codeOf,
  CMS_TURN_SERVERS,
  CMS_SYSTEM_STATUS,
  DNS_WEBBRIDGE,
  type CmsTurnData,
  type CmsSystemData,
  type DnsWebbridgeData,
  type FindingDraft,
  parentDomain,
} from '@cms-doctor/core';
import {
  getTurnServers,
  getTurnServer,
  getTurnServerStatus,
  getCoSpaces,
  getInboundDialPlanRules,
  getSystemStatus,
  getSystemAlarms,
  getLicensing,
  getWebBridges,
  getWebBridgeStatus,
} from '../api/resources.js';
import {
  judgeTurnServers,
  judgeTurnStatus,
  judgeTurnClientAddress,
  judgeSpaces,
  judgeCallMatching,
  judgeLicenseStatus,
  callBridgeFeature,
  judgeVersion,
  judgeWebBridgeStatus,
  judgeAlarms,
  xmlEvidence,
} from '../judge/api.js';
import { API_NEEDS, apiFindings } from './with-api.js';

const insecureNote = (self: string, insecure: boolean | undefined): FindingDraft[] =>
  insecure
    ? [
        {
          code: self,
          status: 'info',
          title: 'TLS verification of the CMS API was disabled (--insecure)',
          evidence: [{ kind: 'tls-insecure', service: 'cms-api' }],
        },
      ]
    : [];

export const systemStatus = defineCheck<CmsSystemData>({
  id: CMS_SYSTEM_STATUS,
  title: 'CMS software version',
  area: 'cms',
  modes: ['live'],
  needs: [...API_NEEDS],
  async run(ctx) {
    const self = codeOf(this.id);
    return apiFindings(ctx, 'Could not read /api/v1/system/status', async (api) => {
      const st = await getSystemStatus(api, ctx.signal);
      const v = st.value.softwareVersion;
      return {
        findings: [
          judgeVersion(self, v, '/api/v1/system/status', [xmlEvidence('/api/v1/system/status', st.xml[0])]),
          ...insecureNote(self, ctx.target.insecure),
        ],
        data: v === undefined ? {} : { softwareVersion: v },
      };
    });
  },
});

export const turnServers = defineCheck<CmsTurnData>({
  id: CMS_TURN_SERVERS,
  title: 'TURN server configured on CMS',
  area: 'cms',
  modes: ['live'],
  needs: [...API_NEEDS],
  async run(ctx) {
    const self = codeOf(this.id);
    return apiFindings(ctx, 'Could not read /api/v1/turnServers', async (api) => {
      const list = await getTurnServers(api, ctx.signal);
      const evidence = list.xml.map((x) => xmlEvidence('/api/v1/turnServers', x));
      const first = list.value[0];
      if (!first) return { findings: judgeTurnServers(self, [], evidence) };
      // The list holds only the addresses; the object holds username and the TCP port override.
      const detail = first.id ? await getTurnServer(api, first.id, ctx.signal) : undefined;
      const s = { ...first, ...(detail?.value ?? {}) };
      if (detail) evidence.push(xmlEvidence(`/api/v1/turnServers/${first.id}`, detail.xml[0]));
      const data: CmsTurnData = {
        ...(s.username ? { username: s.username } : {}),
        ...(s.serverAddress ? { serverAddress: s.serverAddress } : {}),
        ...(s.clientAddress ? { clientAddress: s.clientAddress } : {}),
        ...(s.tcpPortNumberOverride !== undefined ? { tcpPortNumberOverride: s.tcpPortNumberOverride } : {}),
      };
      return { findings: judgeTurnServers(self, [s, ...list.value.slice(1)], evidence), data };
    });
  },
});

export const turnStatus = defineCheck({
  id: 'cms.turn-status',
  title: 'CMS reaches its TURN servers',
  area: 'cms',
  modes: ['live'],
  needs: [...API_NEEDS],
  after: [CMS_TURN_SERVERS],
  async run(ctx) {
    const self = codeOf(this.id);
    return apiFindings(ctx, 'Could not read the TURN server status', async (api) => {
      const list = await getTurnServers(api, ctx.signal);
      if (list.value.length === 0)
        return [{ code: self, status: 'skip', title: 'No TURN server to check (see cms/turn-not-configured)' } as FindingDraft];
      return Promise.all(
        list.value.map(async (s) => {
          const st = await getTurnServerStatus(api, s.id, ctx.signal);
          return judgeTurnStatus(self, s, st.value, [xmlEvidence(`/api/v1/turnServers/${s.id}/status`, st.xml[0])]);
        }),
      );
    });
  },
});

export const turnClientAddress = defineCheck({
  id: 'cms.turn-client-address',
  title: "CMS gives web clients the edge's public TURN address",
  area: 'cms',
  modes: ['live'],
  needs: [...API_NEEDS],
  after: [CMS_TURN_SERVERS, DNS_WEBBRIDGE],
  async run(ctx) {
    const self = codeOf(this.id);
    const turn = ctx.get<CmsTurnData>(CMS_TURN_SERVERS);
    if (!turn?.clientAddress && !turn?.serverAddress)
      return [{ code: self, status: 'skip', title: 'No TURN server read from CMS', needs: [] }];
    const dns = ctx.get<DnsWebbridgeData>(DNS_WEBBRIDGE);
    const edge = ctx.target.edgeNatAddress
      ? { addresses: [ctx.target.edgeNatAddress], source: '--edge-nat-address' }
      : dns && dns.externalAddresses.length > 0
        ? { addresses: dns.externalAddresses, source: `external DNS answer for ${ctx.target.external ?? 'the web bridge name'}` }
        : undefined;
    if (!edge)
      return [
        {
          code: self,
          status: 'skip',
          title: "The edge's public address is unknown",
          detail: 'give --edge-nat-address, or --external so DNS finds it',
          needs: ['edgeNatAddress'],
        },
      ];
    return [judgeTurnClientAddress(self, { id: 'first', ...turn }, edge)];
  },
});

export const spaces = defineCheck({
  id: 'cms.spaces',
  title: 'At least one space exists',
  area: 'cms',
  modes: ['live'],
  needs: [...API_NEEDS],
  async run(ctx) {
    return apiFindings(ctx, 'Could not read /api/v1/coSpaces', async (api) => {
      const list = await getCoSpaces(api, ctx.signal);
      return judgeSpaces(
        codeOf(this.id),
        list.total ?? list.value.length,
        list.value,
        list.xml.slice(0, 2).map((x) => xmlEvidence('/api/v1/coSpaces', x)),
      );
    });
  },
});

export const callMatching = defineCheck({
  id: 'cms.call-matching',
  title: 'Incoming call handling matches both domains and targets spaces',
  area: 'cms',
  modes: ['live'],
  needs: [...API_NEEDS],
  async run(ctx) {
    const t = ctx.target;
    const external = t.externalDomain ?? parentDomain(t.external);
    return apiFindings(ctx, 'Could not read /api/v1/inboundDialPlanRules', async (api) => {
      const rules = await getInboundDialPlanRules(api, ctx.signal);
      return judgeCallMatching(
        codeOf(this.id),
        rules.value,
        { ...(t.internalDomain ? { internal: t.internalDomain } : {}), ...(external ? { external } : {}) },
        rules.xml.slice(0, 4).map((x) => xmlEvidence('/api/v1/inboundDialPlanRules', x)),
      );
    });
  },
});

export const license = defineCheck({
  id: 'cms.license',
  title: 'The call bridge licence is active',
  area: 'cms',
  modes: ['live'],
  needs: [...API_NEEDS],
  after: [CMS_SYSTEM_STATUS],
  async run(ctx) {
    const version = ctx.get<CmsSystemData>(CMS_SYSTEM_STATUS)?.softwareVersion ?? ctx.target.cmsVersion;
    return apiFindings(ctx, 'Could not read the licensing status', async (api) => {
      const lic = await getLicensing(api, version, ctx.signal);
      const path = lic.value.source === 'clusterLicensing' ? '/api/v1/clusterLicensing' : '/api/v1/system/licensing';
      const f = callBridgeFeature(lic.value);
      return [judgeLicenseStatus(codeOf(this.id), f, path, [xmlEvidence(path, lic.xml[0])])];
    });
  },
});

export const webBridgeStatus = defineCheck({
  id: 'cms.webbridge-status',
  title: 'The call bridge is connected to its web bridges',
  area: 'cms',
  modes: ['live'],
  needs: [...API_NEEDS],
  async run(ctx) {
    const self = codeOf(this.id);
    return apiFindings(ctx, 'Could not read the web bridge status', async (api) => {
      const list = await getWebBridges(api, ctx.signal);
      if (list.value.length === 0)
        return [
          {
            code: self,
            status: 'info',
            title: 'No web bridge is configured in the CMS API',
            evidence: list.xml.map((x) => xmlEvidence('/api/v1/webBridges', x)),
          } as FindingDraft,
        ];
      return Promise.all(
        list.value.map(async (wb) => {
          const st = await getWebBridgeStatus(api, wb.id, ctx.signal);
          return judgeWebBridgeStatus(self, wb, st.value, [
            xmlEvidence(`/api/v1/webBridges/${wb.id}/status`, st.xml[0]),
            { kind: 'cms-web-bridge', id: wb.id, url: wb.url ?? null },
          ]);
        }),
      );
    });
  },
});

export const alarms = defineCheck({
  id: 'cms.alarms',
  title: 'No active CMS alarm (fault condition)',
  area: 'cms',
  modes: ['live'],
  needs: [...API_NEEDS],
  async run(ctx) {
    return apiFindings(ctx, 'Could not read /api/v1/system/alarms', async (api) => {
      const list = await getSystemAlarms(api, ctx.signal);
      return judgeAlarms(
        codeOf(this.id),
        list.value,
        list.xml.slice(0, 2).map((x) => xmlEvidence('/api/v1/system/alarms', x)),
      );
    });
  },
});

export const LIVE_CHECKS = [
  systemStatus,
  turnServers,
  turnStatus,
  turnClientAddress,
  spaces,
  callMatching,
  license,
  webBridgeStatus,
  alarms,
];
