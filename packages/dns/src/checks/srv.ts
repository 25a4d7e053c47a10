import {
  codeOf,
  defineCheck,
  CMS_SYSTEM_STATUS,
  parentDomain,
  type CheckContext,
  type CmsSystemData,
  type FindingDraft,
} from '@cms-doctor/core';
import { lookup, type Lookup } from '../lookup.js';
import { formatServer } from '../server-address.js';
import { judgeSrv, type SrvObservation } from '../srv-judge.js';
import { SRV_RULES, serviceOf, type SrvRule } from '../srv-rules.js';
import type { OfflineSource } from '../offline-sources.js';
import type { View } from '../views.js';
import { liveViews, offlineSources, queryOptions } from './views.js';

const ID = 'dns.srv';
const OWN = codeOf(ID);

export interface SrvDomains {
  internal?: string;
  external?: string;
  guest?: string;
}

/** The domains SRV records live under, from the Target. The guest URI host is the external web bridge name (the document's Expressway-C setting). */
export function srvDomains(t: CheckContext['target']): SrvDomains {
  const external = t.externalDomain ?? (t.external ? parentDomain(t.external) : undefined);
  return {
    ...(t.internalDomain ? { internal: t.internalDomain.toLowerCase() } : {}),
    ...(external ? { external } : {}),
    ...(t.external ? { guest: t.external.toLowerCase() } : {}),
  };
}

/** Which SRV names to ask, in which view. Pure. */
export function planSrv(domains: SrvDomains, views: readonly string[]): { rule: SrvRule; owner: string; view: string }[] {
  const plan: { rule: SrvRule; owner: string; view: string }[] = [];
  for (const rule of SRV_RULES) {
    const domain = domains[rule.domain];
    if (domain && views.includes(rule.view)) plan.push({ rule, owner: `${rule.service}.${domain}`, view: rule.view });
  }
  return plan;
}

const cmsVersion = (ctx: CheckContext): string | undefined =>
  ctx.target.cmsVersion ?? ctx.get<CmsSystemData>(CMS_SYSTEM_STATUS)?.softwareVersion;

const targetsOf = (l: Lookup): string[] => [...new Set(l.records.flatMap((r) => (r.srv && r.srv.target !== '.' ? [r.srv.target] : [])))];

async function live(ctx: CheckContext): Promise<FindingDraft[]> {
  const { views } = await liveViews(ctx);
  const byName = new Map<string, View>(views.map((v) => [v.name, v]));
  const plan = planSrv(srvDomains(ctx.target), [...byName.keys()]);
  if (plan.length === 0) {
    return [{ code: OWN, status: 'skip', title: 'No SRV record to check: the domains are unknown', needs: ['internalDomain', 'external'] }];
  }
  const opts = queryOptions(ctx);
  // Two rounds, each fully concurrent: the SRV records, then the A records of their targets.
  const srv = await Promise.all(
    plan.map(async (p) => ({ ...p, lookup: await lookup((byName.get(p.view) as View).server, p.owner, 'SRV', opts) })),
  );
  const observations: SrvObservation[] = await Promise.all(
    srv.map(async (s) => {
      const server = (byName.get(s.view) as View).server;
      const targets = await Promise.all(targetsOf(s.lookup).map((t) => lookup(server, t, 'A', opts)));
      return { rule: s.rule, owner: s.owner, view: s.view, server: formatServer(server), lookup: s.lookup, targets };
    }),
  );
  const version = cmsVersion(ctx);
  // Each name gets its own verdict, an undecided `error` included: a silent view never yields a pass.
  return [...judgeSrv(observations, { ownCode: OWN, ...(version ? { cmsVersion: version } : {}) })];
}

/** Offline: every SRV record in the files is checked for port and CNAME target; the rules apply where a source covers the domain. */
async function offline(ctx: CheckContext): Promise<FindingDraft[]> {
  const sources = await offlineSources(ctx, { reject: false });
  if (sources.length === 0) {
    return [{ code: OWN, status: 'skip', title: 'No usable dig output or zone file among the inputs', needs: ['file:dig', 'file:zone'] }];
  }
  const domains = srvDomains(ctx.target);
  const observations: SrvObservation[] = [];
  const observe = (s: OfflineSource, owner: string, rule?: SrvRule): void => {
    const l = s.answer(owner, 'SRV');
    if (!l) return;
    const targets = targetsOf(l)
      .map((t) => s.answer(t, 'A'))
      .filter((t): t is Lookup => t !== undefined);
    observations.push({ ...(rule ? { rule } : {}), owner: l.name, view: s.view, server: s.server, lookup: l, targets });
  };
  for (const s of sources) {
    const planned = new Set<string>();
    // The rules, where this source can answer for the domain (a zone of the internal domain, a dig of the name).
    for (const rule of SRV_RULES) {
      const domain = domains[rule.domain];
      if (!domain) continue;
      const viewKnown = s.view === 'internal' || s.view === 'external';
      if (viewKnown && s.view !== rule.view) continue;
      // A zone file's view is unknown: only the internal-domain rules apply (that domain lives inside).
      if (!viewKnown && !(s.kind === 'zone' && rule.domain === 'internal' && rule.view === 'internal')) continue;
      const owner = `${rule.service}.${domain}`;
      // Only the zone file closest to the name speaks for it (cms.octavio.local over octavio.local).
      if (
        s.kind === 'zone' &&
        sources.some(
          (z) =>
            z.kind === 'zone' &&
            z.origin !== undefined &&
            z.origin.length > (s.origin ?? '').length &&
            (owner === z.origin || owner.endsWith(`.${z.origin}`)),
        )
      )
        continue;
      planned.add(owner);
      observe(s, owner, rule);
    }
    for (const r of s.records()) {
      if (r.type === 'SRV' && !planned.has(r.name) && serviceOf(r.name)) {
        planned.add(r.name);
        observe(s, r.name);
      }
    }
  }
  if (observations.length === 0) return [{ code: OWN, status: 'info', title: 'The DNS files hold no SRV record to check' }];
  const version = cmsVersion(ctx);
  return judgeSrv(observations, { ownCode: OWN, ...(version ? { cmsVersion: version } : {}) });
}

/** dns.srv: the SRV records CMS, Expressway-C and MRA clients rely on, in the right view. */
export const srvCheck = defineCheck({
  id: ID,
  title: 'SRV records of the deployment',
  area: 'dns',
  modes: ['live', 'offline'],
  needs: [],
  needsAny: [['internalDns', 'internalDomain'], ['external'], ['file:zone'], ['file:dig'], ['file:nslookup'], ['file:host']],
  after: [CMS_SYSTEM_STATUS],
  timeoutMs: 8000,
  run: (ctx) => (ctx.mode === 'live' ? live(ctx) : offline(ctx)),
});
