import type { DnsWebbridgeData, Evidence, FindingDraft } from '@cms-doctor/core';
import { addressesOf, answered, type Lookup } from './lookup.js';

/** What one view answered for the web bridge name (its A and AAAA lookups). */
export interface ViewLookups {
  view: 'internal' | 'external' | (string & {});
  /** `ip:port` of the resolver, or a file name offline. */
  server: string;
  lookups: Lookup[];
}

export interface WebbridgeInput {
  /** The external web bridge name, e.g. cmsweb.octavio.com. */
  name: string;
  internal?: ViewLookups;
  external?: ViewLookups;
  /** Expressway-E public (static NAT) address: what the external view must give. */
  edgeNatAddress?: string;
  /** CMS web bridge address: what the internal view must give. */
  cmsAddress?: string;
  /** Code for pass/info findings: the check's own (`dns/webbridge`). */
  ownCode: string;
}

export interface WebbridgeVerdict {
  findings: FindingDraft[];
  data: DnsWebbridgeData;
}

const FIX = { internal: 'dns-internal-webbridge', external: 'dns-external-webbridge' } as const;
const fixFor = (view: string): string[] => (view === 'internal' ? [FIX.internal] : view === 'external' ? [FIX.external] : []);

/** A lookup as evidence: `{kind: 'dns-lookup', view, server, name, type, rcode, aa, chain, records (with TTLs)}`. */
export const lookupEvidence = (view: string, l: Lookup): Evidence => ({ kind: 'dns-lookup', view, ...l });
const evidenceOf = (v: ViewLookups): Evidence[] => v.lookups.map((l) => lookupEvidence(v.view, l));
const subjectOf = (name: string, v: ViewLookups): string => `${name} @ ${v.server} (${v.view})`;
const list = (a: readonly string[]): string => (a.length === 0 ? 'nothing' : a.join(', '));
const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));
const chainText = (v: ViewLookups): string => {
  const chain = v.lookups.find((l) => l.chain.length > 0)?.chain ?? [];
  return chain.length === 0 ? '' : ` (via CNAME ${chain.map((c) => `${c.name} -> ${c.target}`).join(' -> ')})`;
};

type ViewState =
  | { kind: 'absent' }
  | { kind: 'unreachable'; v: ViewLookups }
  | { kind: 'unresolved'; v: ViewLookups; why: string }
  | { kind: 'resolved'; v: ViewLookups; addrs: string[] };

/** Classifies one view's lookups. Pure. */
export function viewState(v: ViewLookups | undefined): ViewState {
  if (!v || v.lookups.length === 0) return { kind: 'absent' };
  if (!v.lookups.some(answered)) return { kind: 'unreachable', v };
  const addrs = addressesOf(v.lookups);
  if (addrs.length > 0) return { kind: 'resolved', v, addrs };
  const why = [
    ...new Set(
      v.lookups.filter(answered).map((l) => (l.status === 'nodata' ? 'no A/AAAA record (NOERROR, no data)' : (l.rcode ?? l.status))),
    ),
  ].join(', ');
  return { kind: 'unresolved', v, why };
}

function stateFindings(name: string, s: ViewState): FindingDraft[] {
  if (s.kind === 'unreachable') {
    return [
      {
        code: 'dns/resolver-unreachable',
        status: 'error',
        title: `The ${s.v.view} resolver ${s.v.server} did not answer for ${name}`,
        detail: [...new Set(s.v.lookups.map((l) => l.error ?? l.status))].join('; '),
        subject: subjectOf(name, s.v),
        evidence: evidenceOf(s.v),
        fixes: [],
        basis: 'documented',
      },
    ];
  }
  if (s.kind === 'unresolved') {
    return [
      {
        code: 'dns/unresolved',
        status: 'fail',
        title: `${name} does not resolve in the ${s.v.view} view`,
        detail: `${s.v.server} answered ${s.why}${chainText(s.v)}. The ${s.v.view} view must give ${s.v.view === 'internal' ? 'the CMS web bridge address' : 'the Expressway-E public address'}.`,
        subject: subjectOf(name, s.v),
        evidence: evidenceOf(s.v),
        fixes: fixFor(s.v.view),
        basis: 'documented',
      },
    ];
  }
  return [];
}

/**
 * Judges the two views of the web bridge name against the expected topology, or,
 * without one, against each other. Pure: lookups in, findings and published data out.
 */
export function judgeWebbridge(input: WebbridgeInput): WebbridgeVerdict {
  const { name, edgeNatAddress: edge, cmsAddress: cms } = input;
  const int = viewState(input.internal);
  const ext = viewState(input.external);
  const findings: FindingDraft[] = [...stateFindings(name, int), ...stateFindings(name, ext)];
  const data: DnsWebbridgeData = {
    externalAddresses: ext.kind === 'resolved' ? ext.addrs : [],
    internalAddresses: int.kind === 'resolved' ? int.addrs : [],
  };

  if (ext.kind === 'resolved') {
    const { v, addrs } = ext;
    const leaksCms = cms !== undefined && addrs.includes(cms);
    if (edge !== undefined && !addrs.includes(edge)) {
      findings.push({
        code: 'dns/external-not-edge',
        status: 'fail',
        title: `External DNS gives ${list(addrs)} for ${name}, not the Expressway-E public address ${edge}`,
        detail: `${v.server} answered ${list(addrs)}${chainText(v)}.${leaksCms ? ` ${cms} is the internal CMS address: guests on the internet cannot reach it.` : ''} Guests must reach the Expressway-E at ${edge}.`,
        subject: subjectOf(name, v),
        evidence: evidenceOf(v),
        fixes: [FIX.external],
        basis: 'documented',
      });
    } else if (edge !== undefined && addrs.length > 1) {
      findings.push({
        code: 'dns/external-not-edge',
        status: 'warn',
        title: `External DNS gives ${list(addrs)} for ${name}: besides ${edge}, other addresses`,
        detail: `Clients pick any of the answers; those not at ${edge} do not reach the Expressway-E.`,
        subject: subjectOf(name, v),
        evidence: evidenceOf(v),
        fixes: [FIX.external],
        basis: 'inferred',
      });
    } else if (edge === undefined && leaksCms) {
      findings.push({
        code: 'dns/external-not-edge',
        status: 'fail',
        title: `External DNS gives the internal CMS address ${cms} for ${name}`,
        detail: `${v.server} answered ${list(addrs)}${chainText(v)}. The external view must give the Expressway-E public address.`,
        subject: subjectOf(name, v),
        evidence: evidenceOf(v),
        fixes: [FIX.external],
        basis: 'documented',
      });
    }
  }

  if (int.kind === 'resolved') {
    const { v, addrs } = int;
    const edgeAddrs = edge !== undefined ? [edge] : ext.kind === 'resolved' ? ext.addrs : [];
    const hairpin = addrs.filter((a) => edgeAddrs.includes(a));
    const hairpinText =
      hairpin.length > 0
        ? ` ${list(hairpin)} is the Expressway-E address: a hairpin, Expressway-C would send the web bridge traffic back out to the edge instead of to CMS.`
        : '';
    if (cms !== undefined && !addrs.includes(cms)) {
      findings.push({
        code: 'dns/internal-not-cms',
        status: 'fail',
        title:
          hairpin.length > 0
            ? `Internal DNS gives the Expressway-E address ${list(hairpin)} for ${name} (hairpin), not the CMS ${cms}`
            : `Internal DNS gives ${list(addrs)} for ${name}, not the CMS web bridge address ${cms}`,
        detail: `${v.server} answered ${list(addrs)}${chainText(v)}.${hairpinText}`,
        subject: subjectOf(name, v),
        evidence: evidenceOf(v),
        fixes: [FIX.internal],
        basis: 'documented',
      });
    } else if (cms !== undefined && addrs.length > 1) {
      findings.push({
        code: 'dns/internal-not-cms',
        status: 'warn',
        title: `Internal DNS gives ${list(addrs)} for ${name}: besides the CMS ${cms}, other addresses${hairpin.length > 0 ? ' (one is a hairpin to the Expressway-E)' : ''}`,
        detail: `Expressway-C picks any of the answers.${hairpinText}`,
        subject: subjectOf(name, v),
        evidence: evidenceOf(v),
        fixes: [FIX.internal],
        basis: 'inferred',
      });
    } else if (cms === undefined && edge !== undefined && hairpin.length > 0) {
      findings.push({
        code: 'dns/internal-not-cms',
        status: 'fail',
        title: `Internal DNS gives the Expressway-E public address ${edge} for ${name} (hairpin)`,
        detail: `${v.server} answered ${list(addrs)}${chainText(v)}.${hairpinText}`,
        subject: subjectOf(name, v),
        evidence: evidenceOf(v),
        fixes: [FIX.internal],
        basis: 'documented',
      });
    }
  }

  const problems = findings.some((f) => f.status === 'fail' || f.status === 'warn' || f.status === 'error');
  if (int.kind === 'resolved' && ext.kind === 'resolved' && !problems) {
    if (sameSet(int.addrs, ext.addrs)) {
      findings.push({
        code: 'dns/no-split-horizon',
        status: 'warn',
        title: `No split horizon: both views give ${list(int.addrs)} for ${name}`,
        detail: `The internal view (${int.v.server}) and the external view (${ext.v.server}) answer the same. The deployment needs the internal view to give the CMS web bridge and the external view the Expressway-E public address. Give --cms-address and --edge-nat-address to say which one is wrong.`,
        subject: name,
        evidence: [...evidenceOf(int.v), ...evidenceOf(ext.v)],
        fixes: [FIX.internal],
        basis: 'documented',
      });
    } else if (edge === undefined || cms === undefined) {
      findings.push({
        code: input.ownCode,
        status: 'info',
        title: `Split horizon in place for ${name}: internal ${list(int.addrs)}, external ${list(ext.addrs)}`,
        detail: 'The views differ. Give --cms-address and --edge-nat-address to check that they differ the right way.',
        subject: name,
        evidence: [...evidenceOf(int.v), ...evidenceOf(ext.v)],
      });
    }
  }
  // A pass for each resolved view that drew no problem (and no split-horizon remark).
  const remarked = findings.some((f) => f.code === 'dns/no-split-horizon' || f.status === 'info');
  const clean = [int, ext].filter(
    (s): s is Extract<ViewState, { kind: 'resolved' }> =>
      s.kind === 'resolved' && !findings.some((f) => f.status !== 'info' && f.status !== 'pass' && f.subject === subjectOf(name, s.v)),
  );
  if (!remarked && clean.length > 0) {
    findings.push({
      code: input.ownCode,
      status: 'pass',
      title: `${name}: ${clean.map((p) => `${p.v.view} ${list(p.addrs)}`).join(', ')}`,
      subject: name,
      evidence: clean.flatMap((p) => evidenceOf(p.v)),
    });
  }
  for (const [label, s] of [
    ['internal', int],
    ['external', ext],
  ] as const) {
    if (s.kind === 'absent') {
      findings.push({
        code: input.ownCode,
        status: 'info',
        title: `The ${label} view of ${name} was not checked`,
        detail:
          label === 'internal' ? 'Give --internal-dns (the resolver Expressway-C and CMS use).' : 'No external resolver was available.',
        subject: name,
        needs: [label === 'internal' ? 'internalDns' : 'externalDns'],
      });
    }
  }
  return { findings, data };
}
