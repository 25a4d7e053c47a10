/**
 * Judgements over CMS API data, shared by the live checks and the offline checks
 * on API XML dumps. Pure: typed values in, finding drafts out.
 */
import type { Evidence, FindingDraft } from '@cms-doctor/core';
import type {
  Alarm,
  CoSpace,
  InboundDialPlanRule,
  Licensing,
  TurnServer,
  TurnServerStatus,
  WebBridge,
  WebBridgeStatus,
} from '../api/decode.js';
import { alarmRule } from './alarms.js';
import { judgeCmsVersion } from './version.js';
import { emit } from '../emit.js';

const MAX_XML_EVIDENCE = 8192;

/** Evidence for one API answer (the XML as received, cut at 8 KiB). */
export const xmlEvidence = (path: string, xml: string | undefined): Evidence => ({
  kind: 'cms-api-xml',
  path,
  ...(xml === undefined ? {} : { xml: xml.length > MAX_XML_EVIDENCE ? `${xml.slice(0, MAX_XML_EVIDENCE)}…` : xml }),
});

export function judgeTurnServers(self: string, servers: readonly TurnServer[], evidence: Evidence[]): FindingDraft[] {
  if (servers.length === 0)
    return [
      emit('cms/turn-not-configured', {
        subject: '/api/v1/turnServers',
        detail: `No TURN server is configured on CMS. GET /api/v1/turnServers returned no turnServer: web clients outside get no relay through the Expressway-E.`,
        evidence,
        fixes: ['cms-turn-server'],
      }),
    ];
  const names = servers.map(
    (s) => `${s.serverAddress ?? '?'} (client ${s.clientAddress ?? '?'}${s.username ? `, user ${s.username}` : ''})`,
  );
  return [
    {
      code: self,
      status: 'pass',
      title: `CMS has ${servers.length} TURN server(s): ${names.join('; ')}`,
      subject: '/api/v1/turnServers',
      evidence,
    },
  ];
}

export function judgeTurnStatus(
  self: string,
  server: Pick<TurnServer, 'id' | 'serverAddress'>,
  st: TurnServerStatus,
  evidence: Evidence[],
): FindingDraft {
  const subject = `/api/v1/turnServers/${server.id}/status`;
  const unreachable = st.hosts.filter((h) => h.reachable !== true);
  const bad = (st.status !== undefined && st.status !== 'success') || st.hosts.length === 0 || unreachable.length > 0;
  if (!bad) {
    const h = st.hosts.map((x) => `${x.address ?? '?'}:${x.portNumber ?? '?'} rtt ${x.roundTripTimeMs ?? '?'} ms`).join(', ');
    return {
      code: self,
      status: 'pass',
      title: `CMS reaches its TURN server ${server.serverAddress ?? server.id}: ${h}`,
      subject,
      evidence,
    };
  }
  const why =
    st.hosts.length === 0
      ? 'the status lists no host'
      : unreachable.length > 0
        ? `host ${unreachable.map((x) => `${x.address ?? '?'}:${x.portNumber ?? '?'}`).join(', ')} not reachable`
        : `status is ${st.status}`;
  return emit('cms/turn-status-failure', {
    subject,
    detail: `CMS cannot reach its TURN server ${server.serverAddress ?? server.id}: ${why}. The call bridge checks its TURN servers itself; UDP 3478 from CMS to the Expressway-E internal address must be open and the credentials right.`,
    evidence,
    fixes: ['cms-turn-server', 'firewall-turn'],
  });
}

/** The clientAddress CMS hands web clients must be the edge's public address. */
export function judgeTurnClientAddress(
  self: string,
  server: Pick<TurnServer, 'id' | 'clientAddress' | 'serverAddress'>,
  edge: { addresses: readonly string[]; source: string },
): FindingDraft {
  const subject = `/api/v1/turnServers/${server.id}`;
  const evidence: Evidence[] = [
    {
      kind: 'turn-client-address',
      clientAddress: server.clientAddress ?? null,
      serverAddress: server.serverAddress ?? null,
      edgeAddresses: [...edge.addresses],
      edgeSource: edge.source,
    },
  ];
  if (server.clientAddress === undefined || server.clientAddress === '')
    return emit('cms/turn-client-address-mismatch', {
      subject,
      detail: `The CMS TURN server has no clientAddress for web clients.`,
      evidence,
      fixes: ['cms-turn-server', 'edge-static-nat'],
    });
  if (edge.addresses.includes(server.clientAddress))
    return {
      code: self,
      status: 'pass',
      title: `TURN clientAddress ${server.clientAddress} is the edge's public address (${edge.source})`,
      subject,
      evidence,
    };
  return emit('cms/turn-client-address-mismatch', {
    subject,
    detail: `TURN clientAddress ${server.clientAddress} is not the edge's public address ${edge.addresses.join(', ')}. Web clients are told to reach TURN at ${server.clientAddress}; the Expressway-E public address (${edge.source}) is ${edge.addresses.join(', ')}.`,
    evidence,
    fixes: ['cms-turn-server', 'edge-static-nat'],
  });
}

export function judgeSpaces(self: string, total: number, spaces: readonly CoSpace[], evidence: Evidence[]): FindingDraft[] {
  if (total === 0 && spaces.length === 0)
    return [
      emit('cms/no-spaces', {
        subject: '/api/v1/coSpaces',
        detail: `No space is configured on CMS. Guests join a space by call ID; with no space there is nothing to join.`,
        evidence,
        fixes: ['cms-space'],
      }),
    ];
  const withId = spaces.filter((s) => s.callId);
  const out: FindingDraft[] = [
    {
      code: self,
      status: 'pass',
      title: `CMS has ${Math.max(total, spaces.length)} space(s)${withId.length ? `, ${withId.length} with a call ID` : ''}`,
      subject: '/api/v1/coSpaces',
      evidence,
    },
  ];
  if (spaces.length > 0 && withId.length === 0)
    out.push({
      code: self,
      status: 'info',
      title: 'No space listed has a call ID: web guests join a space by its call ID',
      subject: '/api/v1/coSpaces',
      evidence: [],
    });
  return out;
}

export function judgeCallMatching(
  self: string,
  rules: readonly InboundDialPlanRule[],
  domains: { internal?: string; external?: string },
  evidence: Evidence[],
): FindingDraft[] {
  const subject = '/api/v1/inboundDialPlanRules';
  const wanted = (['internal', 'external'] as const).flatMap((k) =>
    domains[k] ? [{ which: k, domain: domains[k].toLowerCase().replace(/\.$/, '') }] : [],
  );
  const out: FindingDraft[] = [];
  const listed =
    rules.map((r) => `${r.domain ?? '?'}${r.resolveToCoSpaces === false ? ' (not targeting spaces)' : ''}`).join(', ') || 'none';
  if (wanted.length === 0) {
    const spaces = rules.filter((r) => r.resolveToCoSpaces !== false);
    if (spaces.length === 0)
      return [
        emit('cms/call-matching-domain-missing', {
          subject,
          detail: `No incoming call handling rule targets spaces (rules: ${listed}).`,
          evidence,
          fixes: ['cms-call-matching'],
        }),
      ];
    return [
      {
        code: self,
        status: 'info',
        title: `Call matching rules: ${listed}; give the internal and external domains to check both are matched`,
        subject,
        evidence,
        needs: ['internalDomain', 'externalDomain'],
      },
    ];
  }
  for (const w of wanted) {
    const rule = rules.find((r) => r.domain?.toLowerCase().replace(/\.$/, '') === w.domain);
    if (!rule) {
      out.push(
        emit('cms/call-matching-domain-missing', {
          subject,
          detail: `Incoming call handling has no rule for the ${w.which} domain ${w.domain}. Rules present: ${listed}. The document matches both the internal and the external domain, targeting spaces.`,
          evidence,
          fixes: ['cms-call-matching'],
        }),
      );
    } else if (rule.resolveToCoSpaces === false) {
      out.push(
        emit('cms/call-matching-domain-missing', {
          subject: `${subject}/${rule.id}`,
          detail: `The call matching rule for the ${w.which} domain ${w.domain} does not target spaces.`,
          evidence,
          fixes: ['cms-call-matching'],
        }),
      );
    } else {
      out.push({
        code: self,
        status: 'pass',
        title: `Call matching covers the ${w.which} domain ${w.domain}${rule.resolveToCoSpaces === undefined ? ' (targets spaces: not stated, CMS default)' : ', targeting spaces'}`,
        subject: `${subject}/${rule.id}`,
        evidence,
      });
    }
  }
  return out;
}

const CALLBRIDGE = /^call_?bridge$/i;

/** The call bridge feature of the licence (API or MMP): activated, grace, or not. */
const DAY_MS = 86_400_000;
const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * The call bridge licence. `Activated` passes only when its expiry date is still ahead of the
 * reference day (the capture date when the file has one, else today) and, where the output has
 * a `(N days remain)` counter, the counter agrees with the date (within a day). A date in the
 * past is never a pass; a counter that disagrees with its date names both (old output, or a
 * wrong clock on CMS).
 */
export function judgeLicenseStatus(
  self: string,
  feature: { status?: string; expiry?: string; daysRemain?: number } | undefined,
  source: string,
  evidence: Evidence[],
  now = new Date(),
  captured?: Date,
): FindingDraft {
  if (!feature)
    return emit('cms/license-inactive', { subject: source, detail: `${source} lists no call bridge licence feature.`, evidence });
  const status = (feature.status ?? '').toLowerCase();
  const exp = feature.expiry ? ` (expiry ${feature.expiry})` : '';
  if (status === 'grace')
    return emit('cms/license-inactive', {
      subject: source,
      detail: `${source}: the call bridge licence has expired and is in its grace period${exp}.`,
      evidence,
      status: 'warn',
    });
  if (status !== 'activated')
    return emit('cms/license-inactive', {
      subject: source,
      detail: `${source}: the call bridge licence is ${feature.status ?? 'absent'}${exp}.`,
      evidence,
    });
  const counter = feature.daysRemain !== undefined ? ` and "(${feature.daysRemain} days remain)"` : '';
  if (feature.daysRemain !== undefined && feature.daysRemain <= 0)
    return emit('cms/license-inactive', {
      subject: source,
      detail: `${source}: the call bridge licence shows Activated${exp}${counter}: no days remaining.`,
      evidence,
    });
  const expiry = parseCmsDate(feature.expiry);
  const ref = captured ?? now;
  const refName = captured ? `the capture date ${isoDay(captured)}` : `today (${isoDay(now)})`;
  if (expiry !== undefined && expiry.getTime() < ref.getTime()) {
    return emit('cms/license-inactive', {
      subject: source,
      detail: `${source} shows the call bridge licence Activated with expiry ${feature.expiry}${counter}, but that date is before ${refName}.${
        captured
          ? ' The licence had expired when the output was taken.'
          : ' Either the licence has expired since, or this output is older than a renewal: run `license` on the MMP again.'
      }`,
      evidence,
      ...(captured ? {} : { status: 'warn' }),
    });
  }
  if (expiry !== undefined && feature.daysRemain !== undefined) {
    // Days from the reference day to the end of the expiry day; the counter rounds either way.
    const left = Math.floor((expiry.getTime() - ref.getTime()) / DAY_MS);
    if (Math.abs(left - feature.daysRemain) > 1) {
      const written = new Date(expiry.getTime() - feature.daysRemain * DAY_MS);
      return emit('cms/license-date-mismatch', {
        subject: source,
        detail: `${source}: the counter says ${feature.daysRemain} days remain, but the expiry date ${feature.expiry} is ${left} days after ${refName}. The counter matches an output taken around ${isoDay(written)}: either this output is old, or the CMS clock was wrong when it was taken.`,
        evidence,
      });
    }
  }
  if (expiry === undefined)
    return {
      code: self,
      status: 'info',
      title: `The call bridge licence shows Activated, but its expiry ${JSON.stringify(feature.expiry ?? '')} is not a date this tool reads`,
      subject: source,
      evidence,
    };
  return {
    code: self,
    status: 'pass',
    title: `The call bridge licence is activated until ${feature.expiry}${feature.daysRemain !== undefined ? ` (${feature.daysRemain} days remain, agreeing with the date)` : ''}`,
    detail: `Compared with ${refName}.`,
    subject: source,
    evidence,
  };
}

export const callBridgeFeature = (lic: Licensing) => lic.features.find((f) => CALLBRIDGE.test(f.name));

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** `2022-Aug-08` (CMS's format) or ISO `2022-08-08`. */
export function parseCmsDate(s: string | undefined): Date | undefined {
  const m = /^(\d{4})-([A-Za-z]{3}|\d{2})-(\d{2})/.exec(s?.trim() ?? '');
  if (!m) return undefined;
  const month = /\d/.test(m[2]!) ? Number(m[2]) - 1 : MONTHS.indexOf(m[2]!.toLowerCase());
  if (month < 0 || month > 11) return undefined;
  return new Date(Date.UTC(Number(m[1]), month, Number(m[3]), 23, 59, 59));
}

export function judgeVersion(
  self: string,
  version: string | undefined,
  source: string,
  evidence: Evidence[],
  expressway?: string,
): FindingDraft {
  const v = judgeCmsVersion(version, expressway);
  switch (v.verdict) {
    case 'too-old':
    case 'expressway-incompatible':
      return emit('cms/version-unsupported', { subject: source, detail: `${v.reason} (version from ${source}).`, evidence });
    case 'unknown':
    case 'check-expressway':
      return { code: self, status: 'info', title: v.reason, subject: source, evidence };
    case 'ok':
      return { code: self, status: 'pass', title: v.reason, subject: source, evidence };
  }
}

export function judgeWebBridgeStatus(self: string, wb: WebBridge, st: WebBridgeStatus, evidence: Evidence[]): FindingDraft {
  const subject = `/api/v1/webBridges/${wb.id}/status`;
  const url = wb.url ?? wb.id;
  switch (st.status) {
    case 'connectionFailure':
    case 'dnsFailure':
      return emit('webbridge/callbridge-connect-failure', {
        subject,
        detail: `The call bridge cannot ${st.status === 'dnsFailure' ? 'resolve' : 'connect to'} the web bridge ${url} (status ${st.status}). ${
          st.status === 'dnsFailure'
            ? 'The web bridge URL does not resolve from CMS.'
            : 'CMS could not connect to the web bridge; check the URL and that the web bridge trusts the call bridge certificate.'
        }`,
        evidence,
        fixes: ['webbridge-url', 'webbridge-callbridge-trust'],
      });
    case 'success':
      return { code: self, status: 'pass', title: `The call bridge is connected to the web bridge ${url}`, subject, evidence };
    case 'unused':
      return { code: self, status: 'info', title: `The web bridge ${url} is not used by this call bridge`, subject, evidence };
    default:
      return { code: self, status: 'info', title: `The web bridge ${url} reports status ${st.status ?? '(none)'}`, subject, evidence };
  }
}

export function judgeAlarms(self: string, alarms: readonly Alarm[], evidence: Evidence[]): FindingDraft[] {
  if (alarms.length === 0)
    return [{ code: self, status: 'pass', title: 'CMS reports no active alarm', subject: '/api/v1/system/alarms', evidence }];
  return alarms.map((a) => {
    const rule = alarmRule(a.type);
    const extra = Object.entries(a.params).map(([k, v]) => `${k} ${v}`);
    const more = [a.activeTimeSeconds !== undefined ? `active for ${a.activeTimeSeconds} s` : undefined, ...extra]
      .filter(Boolean)
      .join('; ');
    return emit(rule.code, {
      detail: `CMS alarm ${a.type ?? '(no type)'}${a.failureReason ? ` (${a.failureReason})` : ''}: ${rule.meaning}${more ? `; ${more}` : ''}.`,
      subject: `/api/v1/system/alarms/${a.id}`,
      evidence: [
        {
          kind: 'cms-alarm',
          id: a.id,
          type: a.type ?? null,
          failureReason: a.failureReason ?? null,
          activeTimeSeconds: a.activeTimeSeconds ?? null,
          params: a.params,
        },
        ...evidence,
      ],
      status: rule.status,
      fixes: rule.fixes,
    });
  });
}
