import { describe, expect, it } from 'vitest';
import { judgeWebbridge, type ViewLookups } from './webbridge-judge.js';
import { judgeSrv, type SrvObservation } from './srv-judge.js';
import { SRV_RULES } from './srv-rules.js';
import type { Lookup } from './lookup.js';

const NAME = 'cmsweb.octavio.com';
const CMS = '172.16.85.180';
const EDGE = '10.88.246.156';

const a = (addrs: string[], extra: Partial<Lookup> = {}): Lookup => ({
  server: 'x',
  name: NAME,
  type: 'A',
  status: addrs.length ? 'answer' : 'nodata',
  rcode: 'NOERROR',
  aa: true,
  chain: [],
  records: addrs.map((d) => ({ name: NAME, type: 'A', ttl: 300, data: d })),
  rttMs: 1,
  queries: 1,
  ...extra,
});
const view = (v: 'internal' | 'external', lookups: Lookup[]): ViewLookups => ({
  view: v,
  server: v === 'internal' ? '172.16.85.162:53' : '198.51.100.53:53',
  lookups,
});
const judge = (
  i: Lookup[] | undefined,
  e: Lookup[] | undefined,
  exp: { edge?: string; cms?: string; others?: { address: string; from: string }[] } = {},
) =>
  judgeWebbridge({
    name: NAME,
    ownCode: 'dns/webbridge',
    ...(i ? { internal: view('internal', i) } : {}),
    ...(e ? { external: view('external', e) } : {}),
    ...(exp.edge ? { edgeNatAddress: exp.edge } : {}),
    ...(exp.others ? { edgeAddresses: exp.others } : {}),
    ...(exp.cms ? { cmsAddress: exp.cms } : {}),
  });
const codes = (v: ReturnType<typeof judge>): string[] => v.findings.map((f) => `${f.status} ${f.code}`);

describe('judgeWebbridge', () => {
  it('passes the document topology and publishes both views', () => {
    const v = judge([a([CMS])], [a([EDGE])], { edge: EDGE, cms: CMS });
    expect(codes(v)).toEqual(['pass dns/webbridge', 'pass dns/webbridge']);
    expect(v.findings.map((f) => f.subject)).toEqual([`${NAME} @ 172.16.85.162:53 (internal)`, `${NAME} @ 198.51.100.53:53 (external)`]);
    expect(v.data).toEqual({ internalAddresses: [CMS], externalAddresses: [EDGE] });
  });

  it('names an internal answer at the edge a hairpin', () => {
    const v = judge([a([EDGE])], [a([EDGE])], { edge: EDGE, cms: CMS });
    expect(codes(v)).toEqual(['fail dns/internal-not-cms', 'pass dns/webbridge']);
    expect(v.findings[0]?.title).toBe('Internal DNS does not give the CMS web bridge address');
    expect(v.findings[0]?.detail).toMatch(/^Hairpin:.*10\.88\.246\.156 is the Expressway-E address from --edge-nat-address/);
    expect(v.findings[0]?.fixes).toEqual(['dns-internal-webbridge']);
    expect(v.data.internalAddresses).toEqual([EDGE]); // published even when failing
  });

  it('names a hairpin to any Expressway-E address, with where that address came from', () => {
    const LAN1 = '172.16.85.168';
    const others = [{ address: LAN1, from: 'CMS turnServers serverAddress' }];
    // The lab scenario dns-internal-points-to-edge: the internal view gives the edge's LAN address.
    const v = judge([a([LAN1])], [a([EDGE])], { edge: EDGE, cms: CMS, others });
    expect(codes(v)).toEqual(['fail dns/internal-not-cms', 'pass dns/webbridge']);
    expect(v.findings[0]?.detail).toContain(`${LAN1} is the Expressway-E address from CMS turnServers serverAddress`);
    expect(v.findings[0]?.detail).toMatch(/^Hairpin:/);
    // Without --cms-address the hairpin alone decides it.
    expect(codes(judge([a([LAN1])], [a([EDGE])], { edge: EDGE, others }))).toEqual(['fail dns/internal-not-cms', 'pass dns/webbridge']);
    // An internal answer that is neither the CMS nor an edge address is not called a hairpin.
    expect(judge([a(['172.16.85.99'])], [a([EDGE])], { edge: EDGE, cms: CMS, others }).findings[0]?.detail).not.toMatch(/hairpin/i);
  });

  it('without expected addresses, says which flags would decide each view', () => {
    const v = judge([a([CMS])], undefined, {});
    expect(codes(v)).toEqual(['info dns/webbridge', 'info dns/webbridge']);
    expect(v.findings[0]?.detail).toContain('--cms-address');
    expect(v.findings[0]?.detail).toContain('--edge-internal-address');
    expect(v.findings[0]?.detail).toContain('turnServers serverAddress');
    expect(v.findings[0]?.needs).toEqual(['cmsAddress']);
  });

  it('finds a hairpin against the external view when no edge address is given', () => {
    const v = judge([a([EDGE])], [a([EDGE])], { cms: CMS });
    expect(v.findings[0]?.detail).toMatch(/^Hairpin:.*from the external view answer/);
  });

  it('fails the external view that gives the CMS address', () => {
    expect(codes(judge([a([CMS])], [a([CMS])], { edge: EDGE, cms: CMS }))).toEqual(['fail dns/external-not-edge', 'pass dns/webbridge']);
    expect(codes(judge([a([CMS])], [a([CMS])], { cms: CMS }))).toEqual(['fail dns/external-not-edge', 'pass dns/webbridge']);
    expect(judge([a([CMS])], [a([CMS])], { edge: EDGE }).findings[0]?.detail).not.toMatch(/CMS address/);
  });

  it('warns when the expected address is one of several', () => {
    expect(codes(judge([a([CMS])], [a([EDGE, '192.0.2.9'])], { edge: EDGE, cms: CMS }))).toEqual([
      'warn dns/external-not-edge',
      'pass dns/webbridge',
    ]);
  });

  it('says there is no split horizon when both views agree and nothing is expected', () => {
    const v = judge([a([EDGE])], [a([EDGE])]);
    expect(codes(v)).toEqual(['warn dns/no-split-horizon']);
    expect(v.findings[0]?.detail).toMatch(/--cms-address.*--edge-nat-address/);
  });

  it('reports differing views as information without expectations', () => {
    const v = judge([a([CMS])], [a([EDGE])]);
    expect(codes(v)).toEqual(['info dns/webbridge', 'info dns/webbridge']);
    expect(v.findings[0]?.detail).toMatch(/views differ.*--cms-address/);
    expect(v.findings[1]?.detail).toContain('--edge-nat-address');
  });

  it('reports NXDOMAIN and NODATA as unresolved with the fix of that view', () => {
    const v = judge([a([], { status: 'nxdomain', rcode: 'NXDOMAIN' })], [a([])], { edge: EDGE, cms: CMS });
    expect(codes(v)).toEqual(['fail dns/unresolved', 'fail dns/unresolved']);
    expect(v.findings.map((f) => f.fixes)).toEqual([['dns-internal-webbridge'], ['dns-external-webbridge']]);
    expect(v.findings[0]?.detail).toMatch(/NXDOMAIN/);
  });

  it('reports a silent resolver as an error and still judges the other view', () => {
    const v = judge([a([], { status: 'timeout', error: 'deadline' })], [a([CMS])], { edge: EDGE });
    expect(codes(v)).toEqual(['error dns/resolver-unreachable', 'fail dns/external-not-edge']);
  });

  it('reports REFUSED and SERVFAIL as undecided, never as unresolved', () => {
    const refused = a([], { status: 'refused', rcode: 'REFUSED' });
    const v = judge([refused, { ...refused, type: 'AAAA' }], [a([EDGE])], { edge: EDGE, cms: CMS });
    expect(codes(v)).toEqual(['error dns/resolver-refused', 'pass dns/webbridge']);
    expect(v.findings[0]?.detail).toMatch(/answered REFUSED .*says nothing about whether/);
    expect(v.findings[0]?.detail).not.toMatch(/not published/);
    expect(codes(judge([a([], { status: 'servfail', rcode: 'SERVFAIL' })], undefined, { cms: CMS }))[0]).toBe('error dns/resolver-refused');
    // One type absent (NXDOMAIN) is a positive answer: unresolved.
    expect(codes(judge([refused, a([], { type: 'AAAA', status: 'nxdomain', rcode: 'NXDOMAIN' })], undefined, { cms: CMS }))[0]).toBe(
      'fail dns/unresolved',
    );
  });

  it('shows the CNAME chain in the finding', () => {
    const chained = a([CMS], { chain: [{ name: NAME, target: 'wb.octavio.local', ttl: 60 }] });
    const v = judge([chained], [a([EDGE])], { edge: EDGE, cms: '172.16.85.181' });
    expect(v.findings[0]?.detail).toContain('via CNAME cmsweb.octavio.com -> wb.octavio.local');
    expect(v.findings[0]?.evidence?.[0]).toMatchObject({ kind: 'dns-lookup', view: 'internal', chain: [{ target: 'wb.octavio.local' }] });
  });

  it('notes a view that was not asked', () => {
    const v = judge(undefined, [a([EDGE])], { edge: EDGE });
    expect(codes(v)).toEqual(['pass dns/webbridge', 'info dns/webbridge']);
    expect(v.findings[1]?.needs).toEqual(['internalDns']);
  });
});

const srvLookup = (owner: string, recs: [number, number, number, string][], extra: Partial<Lookup> = {}): Lookup => ({
  server: 'x',
  name: owner,
  type: 'SRV',
  status: recs.length ? 'answer' : 'nxdomain',
  rcode: recs.length ? 'NOERROR' : 'NXDOMAIN',
  aa: true,
  chain: [],
  records: recs.map(([priority, weight, port, target]) => ({
    name: owner,
    type: 'SRV',
    ttl: 300,
    data: `${priority} ${weight} ${port} ${target}`,
    srv: { priority, weight, port, target },
  })),
  rttMs: 1,
  queries: 1,
  ...extra,
});
const rule = (service: string, domain: string) => SRV_RULES.find((r) => r.service === service && r.domain === domain);
const obs = (
  service: string,
  domain: 'internal' | 'external' | 'guest',
  owner: string,
  l: Lookup,
  targets: Lookup[] = [],
): SrvObservation => {
  const r = rule(service, domain);
  return { ...(r ? { rule: r } : {}), owner, view: r?.view ?? 'internal', server: '172.16.85.162:53', lookup: l, targets };
};
const target = (name: string, chain: Lookup['chain'] = [], addrs = ['172.16.85.180']): Lookup => ({ ...a(addrs), name, chain });

describe('judgeSrv', () => {
  const XC = '_xmpp-client._tcp.cms.octavio.local';
  it.each([
    ['2.9.1', 'fail dns/srv-missing'],
    [undefined, 'warn dns/srv-missing'],
    ['3.8', 'info dns/srv'],
  ])('a missing _xmpp-client with CMS %s is %s', (version, expected) => {
    const f = judgeSrv([obs('_xmpp-client._tcp', 'internal', XC, srvLookup(XC, []))], {
      ownCode: 'dns/srv',
      ...(version ? { cmsVersion: version } : {}),
    });
    expect(`${f[0]?.status} ${f[0]?.code}`).toBe(expected);
  });

  it("flags the document's _xmpp-server on 5209 and names 5269", () => {
    const owner = '_xmpp-server._tcp.cms.octavio.local';
    const f = judgeSrv(
      [
        obs('_xmpp-server._tcp', 'internal', owner, srvLookup(owner, [[10, 10, 5209, 'xmpp.cms.octavio.local']]), [
          target('xmpp.cms.octavio.local'),
        ]),
      ],
      { ownCode: 'dns/srv' },
    );
    expect(f.map((x) => x.code)).toEqual(['dns/srv-port-nonstandard']);
    expect(f[0]?.title).toBe('An SRV record gives a non-standard port');
    expect(f[0]?.detail).toContain('5269');
  });

  it('flags an SRV target that is a CNAME and one that does not resolve', () => {
    const f = judgeSrv(
      [
        obs(
          '_xmpp-client._tcp',
          'internal',
          XC,
          srvLookup(XC, [
            [10, 10, 5222, 'alias.cms.octavio.local'],
            [20, 10, 5222, 'gone.cms.octavio.local'],
          ]),
          [
            target('alias.cms.octavio.local', [{ name: 'alias.cms.octavio.local', target: 'xmpp.cms.octavio.local', ttl: 60 }]),
            { ...target('gone.cms.octavio.local', [], []), status: 'nxdomain', rcode: 'NXDOMAIN' },
          ],
        ),
      ],
      { ownCode: 'dns/srv', cmsVersion: '2.9' },
    );
    expect(f.map((x) => `${x.status} ${x.code}`)).toEqual(['warn dns/srv-target-cname', 'fail dns/srv-target-unresolved']);
    expect(f[1]?.fixes).toEqual(['dns-srv']);
  });

  it('warns when _cisco-uds is visible outside and informs about _collab-edge and _cms-web', () => {
    const uds = '_cisco-uds._tcp.octavio.com';
    const ce = '_collab-edge._tls.octavio.com';
    const web = '_cms-web._tls.cmsweb.octavio.com';
    const f = judgeSrv(
      [
        obs('_cisco-uds._tcp', 'external', uds, srvLookup(uds, [[10, 10, 8443, 'ocucmp.octavio.local']])),
        obs('_collab-edge._tls', 'external', ce, srvLookup(ce, [[10, 10, 8443, 'vcse.octavio.com']]), [target('vcse.octavio.com')]),
        obs('_cms-web._tls', 'guest', web, srvLookup(web, [])),
      ],
      { ownCode: 'dns/srv' },
    );
    expect(f.map((x) => `${x.status} ${x.code}`)).toEqual(['warn dns/cisco-uds-external', 'info dns/srv', 'info dns/srv']);
    expect(f[2]?.detail).toMatch(/65536/);
  });

  it('passes when everything is in place', () => {
    const f = judgeSrv(
      [
        obs('_xmpp-client._tcp', 'internal', XC, srvLookup(XC, [[10, 10, 5222, 'xmpp.cms.octavio.local']]), [
          target('xmpp.cms.octavio.local'),
        ]),
      ],
      { ownCode: 'dns/srv', cmsVersion: '2.9.1' },
    );
    expect(f.map((x) => `${x.status} ${x.code}`)).toEqual(['pass dns/srv']);
  });

  it('gives every name its own verdict: a warning on _xmpp-server does not hide _xmpp-client', () => {
    const XS = '_xmpp-server._tcp.cms.octavio.local';
    const f = judgeSrv(
      [
        obs('_xmpp-client._tcp', 'internal', XC, srvLookup(XC, [[10, 10, 5222, 'xmpp.cms.octavio.local']]), [
          target('xmpp.cms.octavio.local'),
        ]),
        obs('_xmpp-server._tcp', 'internal', XS, srvLookup(XS, [[10, 10, 5209, 'xmpp.cms.octavio.local']]), [
          target('xmpp.cms.octavio.local'),
        ]),
      ],
      { ownCode: 'dns/srv', cmsVersion: '2.9.1' },
    );
    expect(f.map((x) => `${x.status} ${x.code} ${x.subject}`)).toEqual([
      `pass dns/srv ${XC} @ 172.16.85.162:53 (internal)`,
      `warn dns/srv-port-nonstandard ${XS} @ 172.16.85.162:53 (internal)`,
    ]);
  });

  it('never passes a name the resolver did not answer or refused, and never calls a refusal "not published"', () => {
    const uds = '_cisco-uds._tcp.octavio.com';
    expect(
      judgeSrv([obs('_cisco-uds._tcp', 'external', uds, srvLookup(uds, [], { status: 'refused', rcode: 'REFUSED' }))], {
        ownCode: 'dns/srv',
      }).map((x) => `${x.status} ${x.code}`),
    ).toEqual(['error dns/resolver-refused']);
    const web = '_cms-web._tls.cmsweb.octavio.com';
    const f = judgeSrv(
      [
        obs('_xmpp-client._tcp', 'internal', XC, srvLookup(XC, [], { status: 'timeout', rcode: undefined, error: 'no answer within 3 s' })),
        obs('_cms-web._tls', 'guest', web, srvLookup(web, [], { status: 'refused', rcode: 'REFUSED' })),
      ],
      { ownCode: 'dns/srv', cmsVersion: '2.9.1' },
    );
    // _xmpp-client is needed (an undecided error); _cms-web is information only, so undecided stays a note.
    expect(f.map((x) => `${x.status} ${x.code}`)).toEqual(['error dns/resolver-unreachable', 'info dns/srv']);
    expect(f.map((x) => x.subject)).toEqual([`${XC} @ 172.16.85.162:53 (internal)`, `${web} @ 172.16.85.162:53 (internal)`]);
    expect(f[1]?.title).toBe(`${web} could not be checked in the internal view`);
    expect(f[1]?.detail).toMatch(/answered REFUSED/);
    expect(f.map((x) => `${x.title} ${x.detail}`).join(' ')).not.toMatch(/not published/);
  });
});

describe('one home per finding code (verdict rule 4)', () => {
  it('every problem finding carries its table entry title, basis and a subset of its fixes', async () => {
    const { CORE_CODES } = await import('@cms-doctor/core');
    const { DNS_CODES } = await import('./codes.js');
    const table = new Map([...CORE_CODES, ...DNS_CODES].map((c) => [c.code, c]));
    const XS = '_xmpp-server._tcp.cms.octavio.local';
    const XC = '_xmpp-client._tcp.cms.octavio.local';
    const uds = '_cisco-uds._tcp.octavio.com';
    const findings = [
      ...judge([a([EDGE])], [a([CMS])], { edge: EDGE, cms: CMS }).findings,
      ...judge([a([CMS, EDGE])], [a([EDGE, '192.0.2.1'])], { edge: EDGE, cms: CMS }).findings,
      ...judge([a([], { status: 'refused', rcode: 'REFUSED' })], [a([], { status: 'timeout' })]).findings,
      ...judge([a([], { status: 'nxdomain', rcode: 'NXDOMAIN' })], [a([EDGE])]).findings,
      ...judge([a([EDGE])], [a([EDGE])]).findings,
      ...judgeSrv(
        [
          obs('_xmpp-client._tcp', 'internal', XC, srvLookup(XC, [])),
          obs('_xmpp-server._tcp', 'internal', XS, srvLookup(XS, [[10, 10, 5209, 'gone.cms.octavio.local']]), [
            {
              ...target('gone.cms.octavio.local', [{ name: 'gone.cms.octavio.local', target: 'x.cms.octavio.local', ttl: 1 }], []),
              status: 'nxdomain',
            },
          ]),
          obs('_cisco-uds._tcp', 'external', uds, srvLookup(uds, [[10, 10, 8443, 'ocucmp.octavio.local']])),
        ],
        { ownCode: 'dns/srv', cmsVersion: '2.9.1' },
      ),
    ];
    const problems = findings.filter((f) => f.status === 'warn' || f.status === 'fail' || f.status === 'error');
    expect(new Set(problems.map((f) => f.code)).size).toBeGreaterThanOrEqual(10);
    for (const f of problems) {
      const entry = table.get(f.code);
      expect(entry, f.code).toBeDefined();
      expect(f.title, f.code).toBe(entry?.title);
      expect(f.basis, f.code).toBe(entry?.basis);
      expect([entry?.status, ...(entry?.statuses ?? [])], f.code).toContain(f.status);
      for (const id of f.fixes ?? []) expect(entry?.fixes, f.code).toContain(id);
    }
  });
});
