import {
  codeOf,
  defineCheck,
  type CheckContext,
  type CheckOutcome,
  type DnsWebbridgeData,
  type FindingDraft,
  DNS_WEBBRIDGE,
} from '@cms-doctor/core';
import { queryViews } from '../views.js';
import { addressesOf, type Lookup } from '../lookup.js';
import { judgeWebbridge, lookupEvidence, type ViewLookups } from '../webbridge-judge.js';
import type { OfflineSource } from '../offline-sources.js';
import type { RecordType } from '../record.js';
import { liveViews, offlineSources, queryOptions } from './views.js';

const ID = DNS_WEBBRIDGE;
const OWN = codeOf(ID);
const ADDRESS_TYPES: readonly RecordType[] = ['A', 'AAAA'];

async function live(ctx: CheckContext): Promise<CheckOutcome<DnsWebbridgeData>> {
  const name = ctx.target.external as string;
  const { views, externalIsSystem } = await liveViews(ctx);
  const answers = await queryViews(
    views,
    ADDRESS_TYPES.map((type) => ({ name, type })),
    queryOptions(ctx),
  );
  const pick = (view: string): ViewLookups | undefined => {
    const a = answers.find((x) => x.view === view);
    return a ? { view, server: a.server, lookups: a.lookups } : undefined;
  };
  const internal = pick('internal');
  const external = pick('external');
  const verdict = judgeWebbridge({
    name,
    ownCode: OWN,
    ...(internal ? { internal } : {}),
    ...(external ? { external } : {}),
    ...(ctx.target.edgeNatAddress ? { edgeNatAddress: ctx.target.edgeNatAddress } : {}),
    ...(ctx.target.cmsAddress ? { cmsAddress: ctx.target.cmsAddress } : {}),
  });
  if (externalIsSystem && external) {
    for (const f of verdict.findings) {
      if (f.subject?.includes('(external)'))
        f.detail = `${f.detail ? `${f.detail} ` : ''}The external view is this machine's resolver ${external.server}; give --external-dns for a public resolver.`;
    }
  }
  return { findings: verdict.findings, data: verdict.data };
}

/** The name the dig files ask about most (A/AAAA), when the user gave none. */
function inferName(sources: readonly OfflineSource[]): string | undefined {
  const count = new Map<string, number>();
  for (const s of sources) {
    if (s.kind !== 'dig') continue;
    for (const r of s.records()) {
      if ((r.type === 'A' || r.type === 'AAAA' || r.type === 'CNAME') && !r.name.endsWith('.arpa'))
        count.set(r.name, (count.get(r.name) ?? 0) + 1);
    }
  }
  return [...count.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

const lookupsOf = (s: OfflineSource, name: string): Lookup[] =>
  ADDRESS_TYPES.map((t) => s.answer(name, t)).filter((l): l is Lookup => l !== undefined);

function offlineCompare(name: string, others: readonly OfflineSource[]): FindingDraft[] {
  const answering = others.map((s) => ({ s, lookups: lookupsOf(s, name) })).filter((x) => x.lookups.length > 0);
  if (answering.length < 2) return [];
  const sets = answering.map((x) => ({ ...x, addrs: addressesOf(x.lookups) }));
  const evidence = sets.flatMap((x) => x.lookups.map((l) => ({ ...lookupEvidence(x.s.view, l), files: x.s.files })));
  const first = sets[0]?.addrs ?? [];
  const identical = first.length > 0 && sets.every((x) => x.addrs.length === first.length && x.addrs.every((a) => first.includes(a)));
  const described = sets.map((x) => `${x.s.server}: ${x.addrs.join(', ') || 'nothing'}`).join('; ');
  if (identical) {
    return [
      {
        code: 'dns/no-split-horizon',
        status: 'warn',
        title: `No split horizon in the files: every source gives ${first.join(', ')} for ${name}`,
        detail: `${described}. Give --internal-dns/--external-dns to name the views, and --cms-address/--edge-nat-address to say which answer is wrong.`,
        subject: name,
        evidence,
        fixes: ['dns-internal-webbridge'],
        basis: 'documented',
      },
    ];
  }
  return [
    {
      code: OWN,
      status: 'info',
      title: `The files show different answers for ${name}: ${described}`,
      detail:
        'Give --internal-dns and --external-dns (matched against the SERVER line of dig output) to check each view against the topology.',
      subject: name,
      evidence,
    },
  ];
}

async function offline(ctx: CheckContext): Promise<CheckOutcome<DnsWebbridgeData> | FindingDraft[]> {
  const sources = await offlineSources(ctx, { reject: true });
  if (sources.length === 0) {
    return [{ code: OWN, status: 'skip', title: 'No usable dig output or zone file among the inputs', needs: ['file:dig', 'file:zone'] }];
  }
  const name = ctx.target.external ?? inferName(sources);
  if (!name) {
    return [
      {
        code: OWN,
        status: 'skip',
        title: 'No web bridge name to look for in the DNS files',
        detail: 'Give --external.',
        needs: ['external'],
      },
    ];
  }
  const named = (view: string): OfflineSource[] => sources.filter((s) => s.kind === 'dig' && s.view === view);
  let internal = named('internal');
  let external = named('external');
  const unassigned = sources.filter(
    (s) => s.kind === 'dig' && s.view !== 'internal' && s.view !== 'external' && lookupsOf(s, name).length > 0,
  );
  const notes: string[] = [];
  // One view named and exactly one other server: that server is the other view.
  if (unassigned.length === 1 && internal.length > 0 !== external.length > 0) {
    const other = unassigned[0] as OfflineSource;
    if (internal.length > 0) external = [other];
    else internal = [other];
    notes.push(
      `${other.server} taken as the ${internal.includes(other) ? 'internal' : 'external'} view (the only other server in the files)`,
    );
  }
  const toView = (view: string, list: OfflineSource[]): ViewLookups | undefined => {
    const lookups = list.flatMap((s) => lookupsOf(s, name));
    return lookups.length > 0 ? { view, server: list.map((s) => s.server).join(', '), lookups } : undefined;
  };
  const iv = toView('internal', internal);
  const ev = toView('external', external);
  const findings: FindingDraft[] = [];
  let data: DnsWebbridgeData = { externalAddresses: [], internalAddresses: [] };
  if (iv || ev) {
    const verdict = judgeWebbridge({
      name,
      ownCode: OWN,
      ...(iv ? { internal: iv } : {}),
      ...(ev ? { external: ev } : {}),
      ...(ctx.target.edgeNatAddress ? { edgeNatAddress: ctx.target.edgeNatAddress } : {}),
      ...(ctx.target.cmsAddress ? { cmsAddress: ctx.target.cmsAddress } : {}),
    });
    // Offline, a view the files do not show is not a gap of the deployment: drop the "not checked" notes.
    findings.push(...verdict.findings.filter((f) => !(f.status === 'info' && f.needs)));
    data = verdict.data;
  } else {
    findings.push(...offlineCompare(name, unassigned));
  }
  const zones = sources.filter((s) => s.kind === 'zone');
  for (const z of zones) {
    const lookups = lookupsOf(z, name);
    if (lookups.length === 0) continue;
    const addrs = addressesOf(lookups);
    findings.push({
      code: OWN,
      status: 'info',
      title: `Zone file ${z.server} gives ${addrs.join(', ') || 'no address'} for ${name}`,
      detail:
        [
          ctx.target.cmsAddress && addrs.includes(ctx.target.cmsAddress) ? 'This is the CMS address: the internal view.' : '',
          ctx.target.edgeNatAddress && addrs.includes(ctx.target.edgeNatAddress)
            ? 'This is the Expressway-E public address: the external view.'
            : '',
        ]
          .filter(Boolean)
          .join(' ') || undefined,
      subject: `${name} @ ${z.server}`,
      evidence: lookups.map((l) => lookupEvidence('zone', l)),
    } as FindingDraft);
  }
  if (zones.length >= 2) findings.push(...offlineCompare(name, zones).filter((f) => f.status !== 'info'));
  if (findings.length === 0) {
    findings.push({ code: OWN, status: 'info', title: `The DNS files do not show ${name}`, subject: name });
  }
  for (const n of notes) findings.push({ code: OWN, status: 'info', title: n, subject: name });
  return { findings, data };
}

/** dns.webbridge: the two views of the external web bridge name. Publishes DnsWebbridgeData even when it finds problems. */
export const webbridgeCheck = defineCheck<DnsWebbridgeData>({
  id: ID,
  title: 'Split-horizon DNS of the web bridge name',
  area: 'dns',
  modes: ['live', 'offline'],
  needs: [],
  needsAny: [['external'], ['file:dig'], ['file:zone']],
  timeoutMs: 8000,
  run: (ctx) => (ctx.mode === 'live' ? live(ctx) : offline(ctx)),
});
