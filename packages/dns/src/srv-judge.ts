import type { Evidence, FindingDraft } from '@cms-doctor/core';
import { addressesOf, answered, type Lookup } from './lookup.js';
import { majorVersion, serviceOf, SRV_RULES, STANDARD_SRV_PORTS, type SrvRule } from './srv-rules.js';
import { lookupEvidence, undecidedRcode } from './webbridge-judge.js';
import { emit } from './emit.js';

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

/** A lookup the resolver did not decide (silence, REFUSED, SERVFAIL): an `error`, never "not published". */
function undecided(o: SrvObservation, l: Lookup, what: string): FindingDraft[] {
  if (!answered(l)) {
    return [
      emit('dns/resolver-unreachable', {
        subject: subj(o),
        detail: `The ${o.view} resolver ${o.server} did not answer ${what} (${l.error ?? l.status}); ${o.owner} is undecided in the ${o.view} view.`,
        evidence: ev(o),
      }),
    ];
  }
  if (undecidedRcode(l)) {
    return [
      emit('dns/resolver-refused', {
        subject: subj(o),
        detail: `The ${o.view} resolver ${o.server} answered ${l.rcode ?? l.status} to ${what}: it refused or failed the query, which says nothing about whether ${l.name} is published in the ${o.view} view.`,
        evidence: ev(o),
      }),
    ];
  }
  return [];
}

function contentFindings(o: SrvObservation): FindingDraft[] {
  const out: FindingDraft[] = [];
  const service = o.rule?.service ?? serviceOf(o.owner);
  const standard = o.rule?.standardPort ?? (service ? STANDARD_SRV_PORTS[service] : undefined);
  for (const r of o.lookup.records) {
    const srv = r.srv;
    if (!srv) continue;
    if (standard !== undefined && srv.port !== standard) {
      out.push(
        emit('dns/srv-port-nonstandard', {
          subject: subj(o),
          detail: `${o.owner} points at port ${srv.port}; the standard port of ${service} is ${standard}. Record: ${o.owner} SRV ${r.data} (TTL ${r.ttl}). Unless the service really listens on ${srv.port}, use ${standard}.`,
          evidence: ev(o),
        }),
      );
    }
    if (srv.target === '' || srv.target === '.') continue; // "service not available here" (RFC 2782)
    const t = o.targets.find((l) => l.name === srv.target);
    if (!t) continue;
    if (t.chain.length > 0) {
      out.push(
        emit('dns/srv-target-cname', {
          subject: subj(o),
          detail: `The SRV target ${srv.target} of ${o.owner} is a CNAME (RFC 2782 forbids it): ${srv.target} -> ${t.chain.map((c) => c.target).join(' -> ')}. Point the SRV record at the host name that owns the A/AAAA record.`,
          evidence: ev(o),
        }),
      );
    }
    const why = undecided(o, t, `the A query for the SRV target ${srv.target}`);
    if (why.length > 0) out.push(...why);
    else if (addressesOf([t]).length === 0) {
      out.push(
        emit('dns/srv-target-unresolved', {
          subject: subj(o),
          detail: `The SRV target ${srv.target} of ${o.owner} does not resolve in the ${o.view} view: ${t.server} answered ${t.status === 'nodata' ? 'NOERROR, no A record' : (t.rcode ?? t.status)} for ${srv.target} A.`,
          evidence: ev(o),
          ...(o.rule?.expect === 'cms2-required' ? {} : { status: 'warn' as const }),
        }),
      );
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
        emit('dns/srv-missing', {
          subject: subj(o),
          status: known ? 'fail' : 'warn',
          detail: `${o.owner} is missing in the ${o.view} view${known ? ` (CMS ${opts.cmsVersion} needs it)` : ' (needed if CMS is 2.x; version unknown)'}: ${o.server} answered ${absentWhy}. ${rule.why}${known ? '' : ' Give --cms-api (or --cms-version) to know the CMS version.'}`,
          evidence: ev(o),
        }),
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
            emit('dns/cisco-uds-external', {
              subject: subj(o),
              detail: `${o.owner} is visible in the external view: ${found}. ${rule.why}`,
              evidence: ev(o),
            }),
          ]
        : [
            {
              code: opts.ownCode,
              status: 'pass',
              title: `${o.owner} is not visible in the ${o.view} view (${absentWhy})`,
              subject: subj(o),
              evidence: ev(o),
            },
          ];
    case 'optional':
      return here
        ? []
        : [
            {
              code: opts.ownCode,
              status: 'info',
              title: `${o.owner} is not published in the ${o.view} view (${absentWhy}); it is optional`,
              detail: rule.why,
              subject: subj(o),
              evidence: ev(o),
            },
          ];
  }
}

/** Services a CMS deployment with Expressway relies on (the rules and the standard ports table). */
const DEPLOYMENT_SERVICES = new Set([...SRV_RULES.map((r) => r.service), ...Object.keys(STANDARD_SRV_PORTS)]);

/** Planned by a rule, or a service of the deployment met in the files (`_xmpp-client._tcp` of another domain). */
const deploymentService = (o: SrvObservation): boolean => o.rule !== undefined || DEPLOYMENT_SERVICES.has(serviceOf(o.owner) ?? '');

/** A fault of a record the deployment does not use (AD `_ldap`, `_sip`, `_ceph-mon`): a note, never a warning (verdict rule 3). */
function notTheDeployment(o: SrvObservation, f: FindingDraft, opts: SrvJudgeOptions): FindingDraft {
  return {
    code: opts.ownCode,
    status: 'info',
    title: `${o.owner} is not one of the deployment's services; not judged (${f.code})`,
    ...(f.detail !== undefined ? { detail: f.detail } : {}),
    ...(f.subject !== undefined ? { subject: f.subject } : {}),
    evidence: f.evidence ?? [],
  };
}

/**
 * Judges SRV observations. Pure. One verdict per name and view: a problem, an undecided
 * `error` (silence, REFUSED, SERVFAIL), a note, or a pass that rests on the record's answer.
 */
export function judgeSrv(observations: readonly SrvObservation[], opts: SrvJudgeOptions): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const o of observations) {
    const why = undecided(o, o.lookup, `the SRV query for ${o.owner}`);
    if (why.length > 0) {
      // A record the deployment does not depend on stays a note when undecided (verdict rule 3).
      const needed = o.rule?.expect === 'cms2-required' || o.rule?.expect === 'absent';
      findings.push(
        ...(needed
          ? why
          : why.map((f): FindingDraft => ({
              code: opts.ownCode,
              status: 'info',
              title: `${o.owner} could not be checked in the ${o.view} view`,
              detail: `${f.detail ?? ''}${o.rule ? ` ${o.rule.why}` : ''}`,
              ...(f.subject ? { subject: f.subject } : {}),
              evidence: f.evidence ?? [],
            }))),
      );
      continue;
    }
    // A record that must not be visible is reported once; its target is internal by design.
    const content = o.rule?.expect === 'absent' ? [] : present(o) ? contentFindings(o) : [];
    const mine = [...ruleFindings(o, opts), ...(deploymentService(o) ? content : content.map((f) => notTheDeployment(o, f, opts)))];
    findings.push(...mine);
    if (mine.length === 0 && present(o)) {
      const unchecked = o.lookup.records.filter((r) => r.srv && r.srv.target !== '.' && !o.targets.some((t) => t.name === r.srv?.target));
      // A record met in the files outside the deployment's rules is only reported (verdict rule 3).
      findings.push({
        code: opts.ownCode,
        status: o.rule ? 'pass' : 'info',
        title: `${o.owner} in the ${o.view} view: ${o.lookup.records.map((r) => r.data).join('; ')}`,
        ...(unchecked.length > 0
          ? { detail: `Target address not checked (not in the files): ${unchecked.map((r) => r.srv?.target).join(', ')}.` }
          : {}),
        subject: subj(o),
        evidence: ev(o),
      });
    }
  }
  return findings;
}
