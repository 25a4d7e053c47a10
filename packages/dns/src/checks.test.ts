import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runChecks, type Finding, type Target, type TriageFile } from '@cms-doctor/core';
import { startLabDns, type LabDns, type LabRecord } from '../../lab/src/dns-server/index.js';
import { plugin } from './plugin.js';
import { edgeAddresses, ipOf } from './checks/webbridge.js';
import { digRecogniser, zoneRecogniser } from './recognisers.js';

const NAME = 'cmsweb.octavio.com';
const CMS = '127.0.1.80'; // the document's 172.16.85.180, remapped to loopback as data
const EDGE = '127.0.2.156'; // the document's 10.88.246.156

const INTERNAL: LabRecord[] = [
  { name: NAME, type: 'A', value: CMS },
  { name: 'xmpp.cms.octavio.local', type: 'A', value: CMS },
  { name: 'alias.cms.octavio.local', type: 'CNAME', value: 'xmpp.cms.octavio.local' },
  { name: '_xmpp-client._tcp.cms.octavio.local', type: 'SRV', priority: 10, weight: 10, port: 5222, target: 'xmpp.cms.octavio.local' },
  { name: '_xmpp-server._tcp.cms.octavio.local', type: 'SRV', priority: 10, weight: 10, port: 5209, target: 'alias.cms.octavio.local' },
];
const EXTERNAL: LabRecord[] = [
  { name: NAME, type: 'A', value: EDGE },
  { name: 'vcse.octavio.com', type: 'A', value: EDGE },
  { name: '_collab-edge._tls.octavio.com', type: 'SRV', priority: 10, weight: 10, port: 8443, target: 'vcse.octavio.com' },
  { name: '_cisco-uds._tcp.octavio.com', type: 'SRV', priority: 10, weight: 10, port: 8443, target: 'ocucmp.octavio.local' },
];

const servers: LabDns[] = [];
let internal: LabDns;
let external: LabDns;
let hairpin: LabDns;
let silent: LabDns;
let refusing: LabDns;
const addr = (s: LabDns): string => `${s.host}:${s.port}`;

beforeAll(async () => {
  [internal, external, hairpin, silent, refusing] = await Promise.all([
    startLabDns({ host: '127.0.0.41', records: INTERNAL }),
    startLabDns({ host: '127.0.0.42', records: EXTERNAL, fault: 'truncate-udp' }),
    startLabDns({ host: '127.0.0.43', records: [{ name: NAME, type: 'A', value: EDGE }] }),
    startLabDns({ host: '127.0.0.44', records: [], fault: 'silent' }),
    startLabDns({ host: '127.0.0.45', records: INTERNAL, fault: 'refused' }),
  ]);
  servers.push(internal, external, hairpin, silent, refusing);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const run = async (
  target: Target,
  files: TriageFile[] = [],
  only?: string,
): Promise<{ findings: Finding[]; status: (id: string) => string[] }> => {
  const r = await runChecks(
    plugin.checks.filter((c) => !only || c.id === only),
    { target, mode: files.length ? 'offline' : 'live', files, checkTimeoutMs: 3000 },
  );
  return { findings: r.findings, status: (id) => r.findings.filter((f) => f.check === id).map((f) => `${f.status} ${f.code}`) };
};

describe('dns.webbridge live', () => {
  const base = { external: NAME, cmsAddress: CMS, edgeNatAddress: EDGE };
  it('passes the split horizon (external answer over TCP after truncation)', async () => {
    const { status, findings } = await run({ ...base, internalDns: addr(internal), externalDns: addr(external) }, [], 'dns.webbridge');
    expect(status('dns.webbridge')).toEqual(['pass dns/webbridge', 'pass dns/webbridge']);
    const ev = findings[1]?.evidence.find((e) => e.view === 'external' && e.type === 'A');
    expect(ev).toMatchObject({
      kind: 'dns-lookup',
      transport: 'tcp',
      truncatedOverUdp: true,
      aa: true,
      rcode: 'NOERROR',
      records: [{ ttl: 300, data: EDGE }],
    });
  });

  it('finds the hairpin', async () => {
    const { findings } = await run({ ...base, internalDns: addr(hairpin), externalDns: addr(external) }, [], 'dns.webbridge');
    expect(findings.map((f) => f.code)).toEqual(['dns/internal-not-cms', 'dns/webbridge']);
    expect(findings[0]?.detail).toMatch(/^Hairpin:/);
  });

  it('names the hairpin to the edge LAN address that CMS turnServers publishes (lab scenario dns-internal-points-to-edge)', async () => {
    const LAN1 = '127.16.85.168';
    const lan = await startLabDns({ host: '127.0.0.46', records: [{ name: NAME, type: 'A', value: LAN1 }] });
    servers.push(lan);
    const turnServers = {
      id: 'cms.turn-servers',
      title: 'TURN server configured on CMS',
      area: 'cms' as const,
      modes: ['live' as const],
      needs: [],
      run: async () => ({ findings: [], data: { serverAddress: LAN1, clientAddress: EDGE } }),
    };
    const r = await runChecks([plugin.checks[0]!, turnServers], {
      target: { ...base, internalDns: addr(lan), externalDns: addr(external) },
      mode: 'live',
    });
    const f = r.findings.find((x) => x.code === 'dns/internal-not-cms');
    expect(f?.status).toBe('fail');
    expect(f?.detail).toContain(`${LAN1} is the Expressway-E address from CMS turnServers serverAddress`);
    // The same from a flag, without the CMS API.
    const flag = await run(
      { ...base, edgeInternalAddress: LAN1, internalDns: addr(lan), externalDns: addr(external) },
      [],
      'dns.webbridge',
    );
    expect(flag.findings[0]?.detail).toContain(`${LAN1} is the Expressway-E address from --edge-internal-address`);
  });

  it('reports a refusing internal resolver as undecided, not as unresolved', async () => {
    const { status, findings } = await run({ ...base, internalDns: addr(refusing), externalDns: addr(external) }, [], 'dns.webbridge');
    expect(status('dns.webbridge')).toEqual(['error dns/resolver-refused', 'pass dns/webbridge']);
    expect(findings[0]?.detail).toContain('answered REFUSED');
    expect(findings[0]?.subject).toBe(`${NAME} @ ${addr(refusing)} (internal)`);
  });

  it('reports a silent internal resolver as an error before the check deadline', async () => {
    const { status } = await run({ ...base, internalDns: addr(silent), externalDns: addr(external) }, [], 'dns.webbridge');
    expect(status('dns.webbridge')).toEqual(['error dns/resolver-unreachable', 'pass dns/webbridge']);
  });

  it('publishes DnsWebbridgeData even when failing', async () => {
    const seen: unknown[] = [];
    const reader = {
      id: 'x.reader',
      title: 'r',
      area: 'dns' as const,
      modes: ['live' as const],
      needs: [],
      after: ['dns.webbridge'],
      run: async (ctx: { get: (id: string) => unknown }) => {
        seen.push(ctx.get('dns.webbridge'));
        return [];
      },
    };
    await runChecks([plugin.checks[0]!, reader], {
      target: { ...base, internalDns: addr(hairpin), externalDns: addr(external) },
      mode: 'live',
    });
    expect(seen).toEqual([{ externalAddresses: [EDGE], internalAddresses: [EDGE] }]);
  });
});

describe('dns.srv live', () => {
  it('checks the SRV records of both views', async () => {
    const { findings } = await run(
      {
        external: NAME,
        internalDomain: 'cms.octavio.local',
        internalDns: addr(internal),
        externalDns: addr(external),
        cmsVersion: '2.9.1',
      },
      [],
      'dns.srv',
    );
    const by = findings.map((f) => `${f.status} ${f.code} ${f.subject?.replace(/ @ .*\((\w+)\)$/, ' $1')}`).sort();
    expect(by).toEqual([
      'info dns/srv _cms-web._tls.cmsweb.octavio.com internal', // absent: information only
      'info dns/srv _collab-edge._tls.octavio.com external',
      'pass dns/srv _cisco-uds._tcp.cms.octavio.local external', // NXDOMAIN outside, as it must
      // _xmpp-server warns twice; _xmpp-client keeps its own verdict beside it.
      'pass dns/srv _xmpp-client._tcp.cms.octavio.local internal',
      'warn dns/cisco-uds-external _cisco-uds._tcp.octavio.com external',
      'warn dns/srv-port-nonstandard _xmpp-server._tcp.cms.octavio.local internal',
      'warn dns/srv-target-cname _xmpp-server._tcp.cms.octavio.local internal',
    ]);
    expect(findings.find((f) => f.code === 'dns/srv-port-nonstandard')?.detail).toContain('5269');
  });

  it('gives each SRV name of a silent internal resolver its own error, and passes none of them', async () => {
    const { findings } = await run(
      { external: NAME, internalDomain: 'cms.octavio.local', internalDns: addr(silent), externalDns: addr(external), cmsVersion: '2.9.1' },
      [],
      'dns.srv',
    );
    const internalOnes = findings.filter((f) => f.subject?.endsWith('(internal)'));
    // Needed by CMS 2.x: an undecided error. Optional or informational records: a note, never a pass.
    expect(internalOnes.map((f) => `${f.status} ${f.code} ${f.subject?.split(' @ ')[0]}`)).toEqual([
      'error dns/resolver-unreachable _xmpp-client._tcp.cms.octavio.local',
      'info dns/srv _xmpp-server._tcp.cms.octavio.local',
      'info dns/srv _cms-web._tls.cmsweb.octavio.com',
    ]);
    expect(internalOnes[1]?.title).toBe('_xmpp-server._tcp.cms.octavio.local could not be checked in the internal view');
    expect(findings.some((f) => f.status === 'pass' && f.subject?.endsWith('(internal)'))).toBe(false);
    expect(findings.some((f) => f.status === 'pass' && !f.subject)).toBe(false); // no blanket "No SRV problem found"
  });

  it('says a refusing resolver refused, never that the record is not published', async () => {
    const { findings } = await run(
      {
        external: NAME,
        internalDomain: 'cms.octavio.local',
        internalDns: addr(refusing),
        externalDns: addr(external),
        cmsVersion: '2.9.1',
      },
      [],
      'dns.srv',
    );
    const internalOnes = findings.filter((f) => f.subject?.endsWith('(internal)'));
    expect(internalOnes.map((f) => `${f.status} ${f.code}`)).toEqual(['error dns/resolver-refused', 'info dns/srv', 'info dns/srv']);
    expect(internalOnes.every((f) => f.detail?.includes('answered REFUSED'))).toBe(true);
    expect(internalOnes.map((f) => `${f.title} ${f.detail}`).join(' ')).not.toMatch(/not published|missing/);
  });

  it('warns about a missing _xmpp-client when the CMS version is unknown', async () => {
    const { status } = await run(
      { external: NAME, internalDomain: 'cms.octavio.local', internalDns: addr(hairpin), externalDns: addr(hairpin) },
      [],
      'dns.srv',
    );
    expect(status('dns.srv')).toContain('warn dns/srv-missing');
  });
});

const FIX = new URL('../../../fixtures/dns/', import.meta.url).pathname;
function triageFile(rel: string): TriageFile & { rejected: string[] } {
  const diskPath = `${FIX}${rel}`;
  const buf = readFileSync(diskPath);
  const head = new Uint8Array(buf.subarray(0, 65536));
  const kind = digRecogniser.recognise(head, rel) ? 'dig' : zoneRecogniser.recognise(head, rel) ? 'zone' : 'unrecognised';
  const rejected: string[] = [];
  return {
    path: rel,
    diskPath,
    size: buf.length,
    kind,
    head,
    rejected,
    bytes: async () => buf,
    text: async () => buf.toString('utf8'),
    lines: async function* () {
      yield* buf.toString('utf8').split('\n');
    },
    reject: (reason) => {
      rejected.push(reason);
    },
  };
}

describe('offline', () => {
  const doc = (...names: string[]) => names.map((n) => triageFile(`document/${n}`));
  it('assigns dig files to views by their SERVER line and passes the document', async () => {
    const { status } = await run(
      {
        external: NAME,
        internalDns: '172.16.85.162',
        externalDns: '198.51.100.53',
        cmsAddress: '172.16.85.180',
        edgeNatAddress: '10.88.246.156',
      },
      doc('dig-internal.txt', 'dig-external.txt'),
      'dns.webbridge',
    );
    expect(status('dns.webbridge')).toEqual(['pass dns/webbridge', 'pass dns/webbridge']);
  });

  it('finds the hairpin from dig files, one view named and the other inferred', async () => {
    const { status, findings } = await run(
      { external: NAME, internalDns: '172.16.85.162', cmsAddress: '172.16.85.180', edgeNatAddress: '10.88.246.156' },
      doc('dig-internal-hairpin.txt', 'dig-external.txt'),
      'dns.webbridge',
    );
    expect(status('dns.webbridge')).toEqual(['fail dns/internal-not-cms', 'pass dns/webbridge', 'info dns/webbridge']);
    expect(findings[0]?.detail).toMatch(/^Hairpin:/);
  });

  it('compares dig files with each other when no view is named', async () => {
    const ext = { external: NAME };
    expect((await run(ext, doc('dig-internal-hairpin.txt', 'dig-external.txt'), 'dns.webbridge')).status('dns.webbridge')).toEqual([
      'warn dns/no-split-horizon',
    ]);
    expect((await run(ext, doc('dig-internal.txt', 'dig-external.txt'), 'dns.webbridge')).status('dns.webbridge')).toEqual([
      'info dns/webbridge',
    ]);
  });

  it('never guesses the deployment name from the files: without --external it only lists what they hold', async () => {
    const { findings } = await run({}, doc('dig-internal-hairpin.txt', 'dig-external.txt'), 'dns.webbridge');
    expect(findings.map((f) => `${f.status} ${f.code}`)).toEqual(['info dns/webbridge']);
    expect(findings[0]?.title).toBe(`The DNS files hold answers for ${NAME}`);
    expect(findings[0]?.detail).toMatch(/Not judged: give --external/);
    expect(findings[0]?.needs).toEqual(['external']);
  });

  it('reports a dig timeout as an unreachable resolver', async () => {
    const { status } = await run({ external: NAME, internalDns: '172.16.85.162' }, doc('dig-timeout.txt'), 'dns.webbridge');
    expect(status('dns.webbridge')).toContain('error dns/resolver-unreachable');
  });

  it('reads zone files: answers per zone and the SRV problems of the document', async () => {
    const files = doc(
      'internal-cms.octavio.local.zone',
      'internal-octavio.com.zone',
      'external-octavio.com.zone',
      'internal-octavio.local.zone',
    );
    expect(files.map((f) => f.kind)).toEqual(['zone', 'zone', 'zone', 'zone']);
    const { status } = await run({ external: NAME, internalDomain: 'cms.octavio.local', cmsAddress: '172.16.85.180' }, files);
    expect(status('dns.webbridge')).toEqual(['info dns/webbridge', 'info dns/webbridge']);
    // _cisco-uds and _cuplogin of the internal octavio.local zone are outside the rules: information only.
    expect(status('dns.srv').filter((x) => /^(warn|fail|error)/.test(x))).toEqual(['warn dns/srv-port-nonstandard']);
  });

  it('survives every real file as triage input', async () => {
    const files = [
      'realdata/jc-dig-fixtures/centos-7.7_dig.out',
      'realdata/jc-dig-fixtures/centos-7.7_dig-axfr.out',
      'realdata/jc-dig-fixtures/osx-10.14.6_dig-noall-answer.out',
      'realdata/bind9-views-test/internal.db',
      'realdata/bind9-views-test/example2.db',
    ].map(triageFile);
    const { findings } = await run({ external: 'a.example' }, files);
    expect(findings.filter((f) => f.status === 'error')).toEqual([]);
    expect(findings.filter((f) => f.check === 'dns.webbridge').map((f) => f.title)).toContain(
      'Zone file realdata/bind9-views-test/internal.db gives 10.1.0.1 for a.example',
    );
    expect(files.flatMap((f) => f.rejected)).toEqual([]);
  });
});

describe('offline, real files that are not the deployment (issue 10: "The DNS files do not show cnn.com")', () => {
  const files = () =>
    [
      'realdata/jc-dig-fixtures/centos-7.7_dig.out',
      'realdata/jc-dig-fixtures/centos-7.7_dig-axfr.out',
      'realdata/bind9-views-test/internal.db',
    ].map(triageFile);
  it('without --external, judges no name: it lists what the files hold as information', async () => {
    const { findings } = await run({}, files());
    const web = findings.filter((f) => f.check === 'dns.webbridge');
    expect(web.map((f) => `${f.status} ${f.code}`)).toEqual(['info dns/webbridge']);
    expect(web[0]?.title).toMatch(/^The DNS files hold answers for .*cnn\.com/);
    expect(findings.map((f) => `${f.title} ${f.detail ?? ''}`).join(' ')).not.toMatch(/do not show/);
    // Records of other domains are reported, never passed.
    expect(findings.filter((f) => f.status === 'pass')).toEqual([]);
  });
});

describe('offline, real dig output of a dnsmasq split horizon', () => {
  const files = () =>
    ['dig-internal.txt', 'dig-external.txt', 'dig-nxdomain.txt', 'dig-internal-short.txt'].map((n) => triageFile(`dnsmasq-split/${n}`));
  it('recognises every capture as dig', () => {
    expect(files().map((f) => f.kind)).toEqual(['dig', 'dig', 'dig', 'dig']);
  });
  it('assigns the views by SERVER (with port) and passes', async () => {
    const { status } = await run(
      { external: NAME, internalDns: '127.0.0.71:35355', externalDns: '127.0.0.72:35355', cmsAddress: CMS, edgeNatAddress: EDGE },
      files(),
      'dns.webbridge',
    );
    expect(status('dns.webbridge')).toEqual(['pass dns/webbridge', 'pass dns/webbridge']);
  });
  it('does not match a view when only the port differs', async () => {
    const { status } = await run(
      { external: NAME, internalDns: '127.0.0.71:53', externalDns: '127.0.0.72:53' },
      files().slice(0, 2),
      'dns.webbridge',
    );
    expect(status('dns.webbridge')).toEqual(['info dns/webbridge']);
  });
});

describe('offline without DNS files', () => {
  it('skips, naming the file kinds that would enable the checks', async () => {
    const r = await runChecks(plugin.checks, { target: { external: NAME }, mode: 'offline', files: [] });
    expect(r.findings.map((f) => `${f.status} ${f.code} ${f.needs.join(',')}`)).toEqual([
      'skip dns/webbridge file:dig,file:zone',
      'skip dns/srv file:dig,file:zone',
    ]);
  });
});

describe('the addresses of the Expressway-E a hairpin is compared with', () => {
  it('takes IPs from host[:port] forms and ignores names', () => {
    expect(['10.0.0.1', '10.0.0.1:443', '[2001:db8::1]:8443', '2001:DB8::1', 'edge.example', undefined].map(ipOf)).toEqual([
      '10.0.0.1',
      '10.0.0.1',
      '2001:db8::1',
      '2001:db8::1',
      undefined,
      undefined,
    ]);
  });

  it('collects the flag, CMS turnServers and --edge, each with its source, never the CMS address', () => {
    const turn = { serverAddress: '172.16.85.168', clientAddress: '10.88.246.156' };
    const ctx = (target: Target, data: unknown = turn) => ({ target, get: <T>() => data as T });
    expect(edgeAddresses(ctx({ edgeNatAddress: '10.88.246.156', edge: '10.88.246.156:443' }))).toEqual([
      { address: '172.16.85.168', from: 'CMS turnServers serverAddress, the TURN server (Expressway-E) as CMS reaches it' },
    ]);
    expect(edgeAddresses(ctx({ edgeInternalAddress: '172.16.85.168' })).map((e) => e.from)).toEqual([
      '--edge-internal-address',
      'CMS turnServers clientAddress, the TURN server (Expressway-E) as clients reach it',
    ]);
    // A TURN server on the CMS address is not the edge.
    expect(edgeAddresses(ctx({ cmsAddress: '172.16.85.180' }, { serverAddress: '172.16.85.180' }))).toEqual([]);
  });
});
