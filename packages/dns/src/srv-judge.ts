import type { Evidence, FindingDraft } from '@cms-doctor/core';
import { addressesOf, answered, type Lookup } from './lookup.js';
import { majorVersion, serviceOf, STANDARD_SRV_PORTS, type SrvRule } from './srv-rules.js';
import { lookupEvidence } from './webbridge-judge.js';

/** One SRV lookup of a rule in a view, with the A lookups of its targets in the same view. */
export interface SrvObservation {
  /** The rule that planned it; absent for SRV records met offline outside the rules. */
  rule?: SrvRule;
  owner: string;
  view: string;
  server: string;
  lookup: Lookup;
  /** A lookups of the SRV targets, asked of the same view (to see CNAMEs and unresolved targets). */
  targets: Lookup[];
}

export interface SrvJudgeOptions {
  /** CMS software version, when known (`2.9.1`). */
  cmsVersion?: string;
  /** Code of pass/info findings: the check's own (`dns/srv`). */
  ownCode: string;
}

const ev = (o: SrvObservation): Evidence[] => [lookupEvidence(o.view, o.lookup), ...o.targets.map((t) => lookupEvidence(o.view, t))];
const subj = (o: SrvObservation): string => `${o.owner} @ ${o.server} (${o.view})`;
const present = (o: SrvObservation): boolean => o.lookup.records.some((r) => r.type === 'SRV');

function contentFindings(o: SrvObservation): FindingDraft[] {
  const out: FindingDraft[] = [];
  const service = o.rule?.service ?? serviceOf(o.owner);
  const standard = o.rule?.standardPort ?? (service ? STANDARD_SRV_PORTS[service] : undefined);
  for (const r of o.lookup.records) {
    const srv = r.srv;
    if (!srv) continue;
    if (standard !== undefined && srv.port !== standard) {
      out.push({
        code: 'dns/srv-port-nonstandard',
        status: 'warn',
        title: `${o.owner} points at port ${srv.port}; the standard port of ${service} is ${standard}`,
        detail: `Record: ${o.owner} SRV ${r.data} (TTL ${r.ttl}). Unless the service really listens on ${srv.port}, use ${standard}.`,
        subject: subj(o),
        evidence: ev(o),
        fixes: ['dns-srv'],
        basis: 'documented',
      });
    }
    if (srv.target === '' || srv.target === '.') continue; // "service not available here" (RFC 2782)
    const t = o.targets.find((l) => l.name === srv.target);
    if (t && t.chain.length > 0) {
      out.push({
        code: 'dns/srv-target-cname',
        status: 'warn',
        title: `The SRV target ${srv.target} of ${o.owner} is a CNAME (RFC 2782 forbids it)`,
        detail: `${srv.target} -> ${t.chain.map((c) => c.target).join(' -> ')}. Point the SRV record at the host name that owns the A/AAAA record.`,
        subject: subj(o),
        evidence: ev(o),
        fixes: ['dns-srv'],
        basis: 'documented',
      });
    }
    if (t && answered(t) && addressesOf([t]).length === 0) {
      out.push({
        code: 'dns/unresolved',
        status: 'fail',
        title: `The SRV target ${srv.target} of ${o.owner} does not resolve in the ${o.view} view`,
        detail: `${t.server} answered ${t.rcode ?? t.status} for ${srv.target} A.`,
        subject: subj(o),
        evidence: ev(o),
        fixes: ['dns-srv'],
        basis: 'documented',
      });
    }
  }
  return out;
}

function ruleFindings(o: SrvObservation, opts: SrvJudgeOptions): FindingDraft[] {
  const rule = o.rule;
  if (!rule) return [];
  const here = present(o);
  const found = o.lookup.records.map((r) => r.data).join('; ');
  const absentWhy = o.lookup.status === 'nodata' ? 'NOERROR, no SRV record' : (o.lookup.rcode ?? o.lookup.status);
  switch (rule.expect) {
    case 'cms2-required': {
      if (here) return [];
      const major = majorVersion(opts.cmsVersion);
      if (major !== undefined && major >= 3) {
        return [
          {
            code: opts.ownCode,
            status: 'info',
            title: `${o.owner} is absent; CMS ${opts.cmsVersion} (3.x) has no XMPP and does not need it`,
            subject: subj(o),
            evidence: ev(o),
          },
        ];
      }
      const known = major === 2;
      return [
        {
          code: 'dns/srv-missing',
          status: known ? 'fail' : 'warn',
          title: `${o.owner} is missing in the ${o.view} view${known ? ` (CMS ${opts.cmsVersion} needs it)` : ' (needed if CMS is 2.x; version unknown)'}`,
          detail: `${o.server} answered ${absentWhy}. ${rule.why}${known ? '' : ' Give --cms-api (or cmsVersion) to know the CMS version.'}`,
          subject: subj(o),
          evidence: ev(o),
          fixes: ['dns-srv'],
          basis: 'documented',
        },
      ];
    }
    case 'info':
      return [
        {
          code: opts.ownCode,
          status: 'info',
          title: here ? `${o.owner} in the ${o.view} view: ${found}` : `${o.owner} is not published in the ${o.view} view (${absentWhy})`,
          detail: rule.why,
          subject: subj(o),
          evidence: ev(o),
        },
      ];
    case 'absent':
      return here
        ? [
            {
              code: 'dns/cisco-uds-external',
              status: 'warn',
              title: `${o.owner} is visible in the external view: ${found}`,
              detail: rule.why,
              subject: subj(o),
              evidence: ev(o),
              fixes: ['dns-cisco-uds-internal'],
              basis: 'documented',
            },
          ]
        : [];
    case 'optional':
      return [];
  }
}

/** Judges SRV observations. Pure. Resolver failures are left to the caller (one per resolver). */
export function judgeSrv(observations: readonly SrvObservation[], opts: SrvJudgeOptions): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const o of observations) {
    if (!answered(o.lookup)) continue;
    // A record that must not be visible is reported once; its target is internal by design.
    findings.push(...ruleFindings(o, opts), ...(o.rule?.expect === 'absent' ? [] : contentFindings(o)));
  }
  const problems = findings.some((f) => f.status === 'fail' || f.status === 'warn');
  if (!problems) {
    const seen = observations.filter((o) => answered(o.lookup) && present(o));
    findings.push({
      code: opts.ownCode,
      status: 'pass',
      title: seen.length > 0 ? `SRV records as expected: ${seen.map((o) => o.owner).join(', ')}` : 'No SRV problem found',
      evidence: seen.flatMap(ev),
    });
  }
  return findings;
}
