import type { DnsWebbridgeData, Evidence, FindingDraft } from '@cms-doctor/core';
import { addressesOf, answered, type Lookup } from './lookup.js';
import { emit } from './emit.js';

/** What one view answered for the web bridge name (its A and AAAA lookups). */
export interface ViewLookups {
  view: 'internal' | 'external' | (string & {});
  /** `ip:port` of the resolver, or a file name offline. */
  server: string;
  lookups: Lookup[];
}

/** An address of the Expressway-E and where it came from (a flag, the CMS API), for blame by provenance. */
export interface EdgeAddress {
  address: string;
  /** e.g. `--edge-nat-address`, `CMS turnServers serverAddress`. */
  from: string;
}

export interface WebbridgeInput {
  /** The external web bridge name, e.g. cmsweb.octavio.com. */
  name: string;
  internal?: ViewLookups;
  external?: ViewLookups;
  /** Expressway-E public (static NAT) address: what the external view must give. */
  edgeNatAddress?: string;
  /** Other addresses of the Expressway-E (its LAN address, the TURN server CMS uses): an internal answer equal to one is a hairpin. */
  edgeAddresses?: readonly EdgeAddress[];
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

/** What decides each view, named for a user who gave no expected address (verdict rule 2: say what would decide it). */
const DECIDES = {
  internal:
    '--cms-address (probe dns: --expect-internal), the CMS web bridge address the internal view must give; a hairpin is recognised from --edge-nat-address, --edge-internal-address or --cms-api (CMS turnServers serverAddress)',
  external: '--edge-nat-address (probe dns: --expect-external), the Expressway-E public address the external view must give',
} as const;

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

/** A resolver that answered with a rcode that says nothing about the name: REFUSED, SERVFAIL, NOTIMP... */
export const undecidedRcode = (l: Lookup): boolean =>
  answered(l) && (l.status === 'refused' || l.status === 'servfail' || l.status === 'other-rcode');
/** The resolver positively said the name or type does not exist. */
const saysAbsent = (l: Lookup): boolean => l.status === 'nxdomain' || l.status === 'nodata';

type ViewState =
  | { kind: 'absent' }
  | { kind: 'unreachable'; v: ViewLookups }
  | { kind: 'refused'; v: ViewLookups; rcodes: string }
  | { kind: 'unresolved'; v: ViewLookups; why: string }
  | { kind: 'resolved'; v: ViewLookups; addrs: string[] };

/** Classifies one view's lookups. Pure. Only NXDOMAIN/NODATA prove a name unresolved; a refusal decides nothing. */
export function viewState(v: ViewLookups | undefined): ViewState {
  if (!v || v.lookups.length === 0) return { kind: 'absent' };
  if (!v.lookups.some(answered)) return { kind: 'unreachable', v };
  const addrs = addressesOf(v.lookups);
  if (addrs.length > 0) return { kind: 'resolved', v, addrs };
  if (!v.lookups.some(saysAbsent)) {
    return { kind: 'refused', v, rcodes: [...new Set(v.lookups.filter(answered).map((l) => l.rcode ?? l.status))].join(', ') };
  }
  const why = [
    ...new Set(
      v.lookups.filter(saysAbsent).map((l) => (l.status === 'nodata' ? 'no A/AAAA record (NOERROR, no data)' : (l.rcode ?? l.status))),
    ),
  ].join(', ');
  return { kind: 'unresolved', v, why };
}

function stateFindings(name: string, s: ViewState): FindingDraft[] {
  if (s.kind === 'unreachable') {
    return [
      emit('dns/resolver-unreachable', {
        subject: subjectOf(name, s.v),
        detail: `The ${s.v.view} resolver ${s.v.server} did not answer the A/AAAA queries for ${name} (${[...new Set(s.v.lookups.map((l) => l.error ?? l.status))].join('; ')}); the ${s.v.view} view is undecided.`,
        evidence: evidenceOf(s.v),
      }),
    ];
  }
  if (s.kind === 'refused') {
    return [
      emit('dns/resolver-refused', {
        subject: subjectOf(name, s.v),
        detail: `The ${s.v.view} resolver ${s.v.server} answered ${s.rcodes} for ${name}: it refused or failed the query, which says nothing about whether ${name} is published in the ${s.v.view} view.`,
        evidence: evidenceOf(s.v),
      }),
    ];
  }
  if (s.kind === 'unresolved') {
    return [
      emit('dns/unresolved', {
        subject: subjectOf(name, s.v),
        detail: `${name} does not resolve in the ${s.v.view} view: ${s.v.server} answered ${s.why}${chainText(s.v)}. The ${s.v.view} view must give ${s.v.view === 'internal' ? 'the CMS web bridge address' : 'the Expressway-E public address'}.`,
        evidence: evidenceOf(s.v),
        fixes: fixFor(s.v.view),
      }),
    ];
  }
  return [];
}

const describeEdge = (hits: readonly EdgeAddress[]): string =>
  hits.map((h) => `${h.address} is the Expressway-E address from ${h.from}`).join('; ');

/** External view: compared with --edge-nat-address, or checked for a leaked CMS address. */
function externalFindings(input: WebbridgeInput, v: ViewLookups, addrs: string[]): FindingDraft[] {
  const { name, edgeNatAddress: edge, cmsAddress: cms } = input;
  const answeredText = `${v.server} (external view) answered ${list(addrs)}${chainText(v)}`;
  const leaksCms = cms !== undefined && addrs.includes(cms);
  const base = { subject: subjectOf(name, v), evidence: evidenceOf(v), fixes: [FIX.external] };
  if (edge !== undefined && !addrs.includes(edge)) {
    return [
      emit('dns/external-not-edge', {
        ...base,
        detail: `${answeredText}; expected the Expressway-E public address ${edge} from --edge-nat-address.${leaksCms ? ` ${cms} is the internal CMS address (--cms-address): guests on the internet cannot reach it.` : ''}`,
      }),
    ];
  }
  if (edge !== undefined && addrs.length > 1) {
    return [
      emit('dns/external-not-edge', {
        ...base,
        status: 'warn',
        detail: `${answeredText}: besides ${edge} (--edge-nat-address), other addresses. Clients pick any of the answers; those not at ${edge} do not reach the Expressway-E.`,
      }),
    ];
  }
  if (edge === undefined && leaksCms) {
    return [
      emit('dns/external-not-edge', {
        ...base,
        detail: `${answeredText}, including the internal CMS address ${cms} from --cms-address. The external view must give the Expressway-E public address.`,
      }),
    ];
  }
  return [];
}

/** Internal view: compared with --cms-address; an answer equal to any Expressway-E address is a hairpin. */
function internalFindings(input: WebbridgeInput, v: ViewLookups, addrs: string[], externalAddrs: readonly string[]): FindingDraft[] {
  const { name, edgeNatAddress: edge, cmsAddress: cms } = input;
  const known: EdgeAddress[] = [
    ...(edge !== undefined ? [{ address: edge, from: '--edge-nat-address' }] : []),
    ...(input.edgeAddresses ?? []),
  ];
  // Without any known edge address, the external view's answer stands in for the edge, but only to
  // explain an internal answer already shown wrong by --cms-address (never to blame on its own).
  const standIn: EdgeAddress[] =
    known.length === 0 && cms !== undefined ? externalAddrs.map((a) => ({ address: a, from: 'the external view answer' })) : [];
  const hairpin = [...known, ...standIn].filter((e) => addrs.includes(e.address.toLowerCase()));
  const answeredText = `the internal view (${v.server}) answers ${list(addrs)} for ${name}${chainText(v)}`;
  // A hairpin leads the detail: it names the box the answer points at, and where that address came from.
  const lead =
    hairpin.length > 0
      ? `Hairpin: ${answeredText}; ${describeEdge(hairpin)}. Expressway-C would send the web bridge traffic back out to the edge instead of to CMS.`
      : `${answeredText.charAt(0).toUpperCase()}${answeredText.slice(1)}.`;
  const base = { subject: subjectOf(name, v), evidence: evidenceOf(v), fixes: [FIX.internal] };
  if (cms !== undefined && !addrs.includes(cms)) {
    return [
      emit('dns/internal-not-cms', {
        ...base,
        detail: `${lead} Expected the CMS web bridge address ${cms} from --cms-address.`,
      }),
    ];
  }
  if (cms !== undefined && addrs.length > 1) {
    return [
      emit('dns/internal-not-cms', {
        ...base,
        status: 'warn',
        detail: `${lead} Besides the CMS ${cms} (--cms-address), other addresses: Expressway-C picks any of them.`,
      }),
    ];
  }
  if (cms === undefined && hairpin.length > 0) {
    return [emit('dns/internal-not-cms', { ...base, detail: lead })];
  }
  return [];
}

/**
 * Judges the two views of the web bridge name against the expected topology, or,
 * without one, against each other. Pure: lookups in, findings and published data out.
 * One finding per view; a view passes only when its answer equals the address given for it.
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
  const extProblems = ext.kind === 'resolved' ? externalFindings(input, ext.v, ext.addrs) : [];
  const intProblems = int.kind === 'resolved' ? internalFindings(input, int.v, int.addrs, ext.kind === 'resolved' ? ext.addrs : []) : [];
  findings.push(...intProblems, ...extProblems);

  // Neither view has anything to be compared with, and they agree: one of them is wrong.
  const unexpected = (s: ViewState, expected: string | undefined, problems: FindingDraft[]): boolean =>
    s.kind === 'resolved' && expected === undefined && problems.length === 0;
  if (int.kind === 'resolved' && ext.kind === 'resolved' && unexpected(int, cms, intProblems) && unexpected(ext, edge, extProblems)) {
    if (sameSet(int.addrs, ext.addrs)) {
      findings.push(
        emit('dns/no-split-horizon', {
          subject: name,
          detail: `The internal view (${int.v.server}) and the external view (${ext.v.server}) both answer ${list(int.addrs)} for ${name}. The deployment needs the internal view to give the CMS web bridge and the external view the Expressway-E public address. What decides which view is wrong: ${DECIDES.internal}; ${DECIDES.external}.`,
          evidence: [...evidenceOf(int.v), ...evidenceOf(ext.v)],
        }),
      );
      return withAbsentNotes(input, int, ext, findings, data);
    }
  }

  for (const [s, expected, problems, label] of [
    [int, cms, intProblems, 'internal'],
    [ext, edge, extProblems, 'external'],
  ] as const) {
    if (s.kind !== 'resolved' || problems.length > 0) continue;
    if (expected !== undefined) {
      findings.push({
        code: input.ownCode,
        status: 'pass',
        title: `${name} in the ${label} view: ${list(s.addrs)}, the ${label === 'internal' ? 'CMS web bridge address (--cms-address)' : 'Expressway-E public address (--edge-nat-address)'}`,
        subject: subjectOf(name, s.v),
        evidence: evidenceOf(s.v),
      });
    } else {
      const other = label === 'internal' ? ext : int;
      findings.push({
        code: input.ownCode,
        status: 'info',
        title: `${name} in the ${label} view: ${list(s.addrs)}${chainText(s.v)}; not compared with an expected address`,
        detail: `${other.kind === 'resolved' && !sameSet(other.addrs, s.addrs) ? 'The two views differ (a split horizon). ' : ''}What would decide it: ${DECIDES[label]}.`,
        subject: subjectOf(name, s.v),
        evidence: evidenceOf(s.v),
        needs: [label === 'internal' ? 'cmsAddress' : 'edgeNatAddress'],
      });
    }
  }
  return withAbsentNotes(input, int, ext, findings, data);
}

function withAbsentNotes(
  input: WebbridgeInput,
  int: ViewState,
  ext: ViewState,
  findings: FindingDraft[],
  data: DnsWebbridgeData,
): WebbridgeVerdict {
  for (const [label, s] of [
    ['internal', int],
    ['external', ext],
  ] as const) {
    if (s.kind === 'absent') {
      findings.push({
        code: input.ownCode,
        status: 'info',
        title: `The ${label} view of ${input.name} was not checked`,
        detail:
          label === 'internal' ? 'Give --internal-dns (the resolver Expressway-C and CMS use).' : 'No external resolver was available.',
        subject: input.name,
        needs: [label === 'internal' ? 'internalDns' : 'externalDns'],
      });
    }
  }
  return { findings, data };
}
