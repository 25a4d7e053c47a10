import { isIP } from 'node:net';
import {
  codeOf,
  defineCheck,
  type CheckContext,
  type CheckOutcome,
  type CmsTurnData,
  type DnsWebbridgeData,
  type FindingDraft,
  CMS_TURN_SERVERS,
  DNS_WEBBRIDGE,
} from '@cms-doctor/core';
import { queryViews } from '../views.js';
import { addressesOf, type Lookup } from '../lookup.js';
import { emit } from '../emit.js';
import { judgeWebbridge, lookupEvidence, type EdgeAddress, type ViewLookups } from '../webbridge-judge.js';
import type { OfflineSource } from '../offline-sources.js';
import type { RecordType } from '../record.js';
import { liveViews, offlineSources, queryOptions } from './views.js';

const ID = DNS_WEBBRIDGE;
const OWN = codeOf(ID);
const ADDRESS_TYPES: readonly RecordType[] = ['A', 'AAAA'];

/** The host of `host[:port]` or `[v6]:port`, when it is an IP address. */
export function ipOf(hostPort: string | undefined): string | undefined {
  if (!hostPort) return undefined;
  const v = hostPort.trim();
  const host = isIP(v) ? v : (/^\[([^\]]+)\](?::\d+)?$/.exec(v)?.[1] ?? /^([^:]+)(?::\d+)?$/.exec(v)?.[1]);
  return host && isIP(host) ? host.toLowerCase() : undefined;
}

/**
 * Every address of the Expressway-E this run knows besides --edge-nat-address, with its source:
 * a flag, or the TURN server CMS is configured with (in this deployment the Expressway-E is the TURN server).
 */
export function edgeAddresses(ctx: Pick<CheckContext, 'target' | 'get'>): EdgeAddress[] {
  const out: EdgeAddress[] = [];
  const add = (address: string | undefined, from: string): void => {
    const ip = ipOf(address);
    // The CMS address is never an edge address, whatever a TURN setting says (blame follows provenance).
    const taken = [ctx.target.edgeNatAddress, ctx.target.cmsAddress].map((a) => a?.toLowerCase());
    if (ip && !taken.includes(ip) && !out.some((e) => e.address === ip)) out.push({ address: ip, from });
  };
  add(ctx.target.edgeInternalAddress, '--edge-internal-address');
  const turn = ctx.get<CmsTurnData>(CMS_TURN_SERVERS);
  add(turn?.serverAddress, 'CMS turnServers serverAddress, the TURN server (Expressway-E) as CMS reaches it');
  add(turn?.clientAddress, 'CMS turnServers clientAddress, the TURN server (Expressway-E) as clients reach it');
  add(ctx.target.edge, '--edge');
  return out;
}

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
    edgeAddresses: edgeAddresses(ctx),
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

/** The A/AAAA names the dig files hold, most asked first: reported, never taken as the deployment's name. */
function namesInFiles(sources: readonly OfflineSource[]): string[] {
  const count = new Map<string, number>();
  for (const s of sources) {
    if (s.kind !== 'dig') continue;
    for (const r of s.records()) {
      if ((r.type === 'A' || r.type === 'AAAA' || r.type === 'CNAME') && !r.name.endsWith('.arpa'))
        count.set(r.name, (count.get(r.name) ?? 0) + 1);
    }
  }
  return [...count.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => n);
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
      emit('dns/no-split-horizon', {
        subject: name,
        detail: `Every source in the files gives ${first.join(', ')} for ${name}: ${described}. What would decide which view is wrong: --internal-dns/--external-dns (matched against the SERVER line of dig output) to name the views, and --cms-address/--edge-nat-address for the answers each view must give.`,
        evidence,
      }),
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
  // Never guess the deployment's name from the files (they may not be the deployment's): without
  // --external, say what the files hold and judge nothing.
  const name = ctx.target.external;
  if (!name) {
    const names = namesInFiles(sources);
    return [
      {
        code: OWN,
        status: 'info',
        title:
          names.length > 0
            ? `The DNS files hold answers for ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}`
            : 'The DNS files hold no A/AAAA answer',
        detail: 'Not judged: give --external (the web bridge name guests browse to) to check its two views.',
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
      edgeAddresses: edgeAddresses(ctx),
      ...(ctx.target.cmsAddress ? { cmsAddress: ctx.target.cmsAddress } : {}),
    });
    // Offline, a view the files do not show is not a gap of the deployment: drop the "not checked" notes.
    const notChecked = (f: FindingDraft): boolean =>
      f.status === 'info' && (f.needs ?? []).some((n) => n === 'internalDns' || n === 'externalDns');
    findings.push(...verdict.findings.filter((f) => !notChecked(f)));
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
  needsAny: [['external'], ['file:dig'], ['file:zone'], ['file:nslookup'], ['file:host']],
  // The TURN server CMS uses is the Expressway-E: its addresses name a hairpin.
  after: [CMS_TURN_SERVERS],
  timeoutMs: 8000,
  run: (ctx) => (ctx.mode === 'live' ? live(ctx) : offline(ctx)),
});
