import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { runChecks, type Target } from '@cms-doctor/core';
import { plugin, lookup, parseDig, query } from '@cms-doctor/dns';
import { hasPeer } from '../helpers/peers.js';
import { startDnsmasq, type Dnsmasq } from './dnsmasq.js';

// A real DNS server (Debian dnsmasq) per view, on two loopback addresses.
const CMS = '127.0.1.80';
const EDGE = '127.0.2.156';
const NAME = 'cmsweb.octavio.com';
const enabled = hasPeer('dnsmasq');
// dig is a second peer: its test skips with a notice when it is missing (fails under CI=true).
const hasDig = hasPeer('dig');

/** A real UDP socket on loopback that reads every query and never answers: a silent resolver. */
async function silentUdp(host: string): Promise<{ addr: string; close: () => Promise<void> }> {
  const sock: Socket = createSocket('udp4');
  sock.on('message', () => undefined);
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, host, () => resolve());
  });
  return { addr: `${host}:${sock.address().port}`, close: () => new Promise<void>((r) => sock.close(() => r())) };
}

describe.skipIf(!enabled)('split horizon against dnsmasq', () => {
  let internal: Dnsmasq;
  let external: Dnsmasq;
  let refusing: Dnsmasq;
  beforeAll(async () => {
    [internal, external, refusing] = await Promise.all([
      startDnsmasq(
        '127.0.0.61',
        [
          `--host-record=${NAME},${CMS}`,
          `--host-record=xmpp.cms.octavio.local,${CMS}`,
          '--cname=alias.cms.octavio.local,xmpp.cms.octavio.local',
          '--srv-host=_xmpp-client._tcp.cms.octavio.local,xmpp.cms.octavio.local,5222,10,10',
          '--srv-host=_xmpp-server._tcp.cms.octavio.local,alias.cms.octavio.local,5209,10,10',
        ],
        ['octavio.com', 'octavio.local'],
      ),
      startDnsmasq(
        '127.0.0.62',
        [
          `--host-record=${NAME},${EDGE}`,
          `--host-record=vcse.octavio.com,${EDGE}`,
          '--srv-host=_collab-edge._tls.octavio.com,vcse.octavio.com,8443,10,10',
        ],
        ['octavio.com'],
      ),
      // No local domain and no upstream: dnsmasq answers REFUSED to every question.
      startDnsmasq('127.0.0.63', [], []),
    ]);
  });
  afterAll(async () => {
    await Promise.all([internal?.stop(), external?.stop(), refusing?.stop()]);
  });
  const at = (d: Dnsmasq) => ({ host: d.host, port: d.port });
  const target = (t: Partial<Target> = {}): Target => ({
    external: NAME,
    internalDomain: 'cms.octavio.local',
    internalDns: `${internal.host}:${internal.port}`,
    externalDns: `${external.host}:${external.port}`,
    ...t,
  });

  it('answers with rcode, AA and TTL over UDP and TCP', async () => {
    const udp = await query(at(internal), NAME, 'A');
    const tcp = await query(at(internal), NAME, 'A', { transport: 'tcp' });
    for (const r of [udp, tcp]) {
      expect(r).toMatchObject({ rcode: 'NOERROR', aa: true });
      expect(r.answers.map((a) => a.data)).toEqual([CMS]);
      expect(typeof r.answers[0]?.ttl).toBe('number');
    }
    expect((await query(at(internal), 'nothing.octavio.com', 'A')).rcode).toBe('NXDOMAIN');
    expect((await lookup(at(internal), NAME, 'AAAA')).status).toBe('nodata');
  });

  it('follows the CNAME dnsmasq returns', async () => {
    const l = await lookup(at(internal), 'alias.cms.octavio.local', 'A');
    expect(l.chain).toEqual([{ name: 'alias.cms.octavio.local', target: 'xmpp.cms.octavio.local', ttl: expect.any(Number) }]);
    expect(l.records.map((r) => r.data)).toEqual([CMS]);
  });

  it('passes the document topology', async () => {
    const r = await runChecks(plugin.checks, {
      target: target({ cmsAddress: CMS, edgeNatAddress: EDGE, cmsVersion: '2.9.1' }),
      mode: 'live',
    });
    const s = (id: string) =>
      r.findings
        .filter((f) => f.check === id)
        .map((f) => `${f.status} ${f.code}`)
        .sort();
    expect(s('dns.webbridge')).toEqual(['pass dns/webbridge', 'pass dns/webbridge']);
    const srv = r.findings.filter((f) => f.check === 'dns.srv').map((f) => `${f.status} ${f.code} ${f.subject?.split(' @ ')[0]}`);
    // _xmpp-server warns; _xmpp-client keeps its own verdict beside it.
    expect(srv).toContain('pass dns/srv _xmpp-client._tcp.cms.octavio.local');
    expect(srv).toContain('warn dns/srv-port-nonstandard _xmpp-server._tcp.cms.octavio.local');
    expect(srv).toContain('warn dns/srv-target-cname _xmpp-server._tcp.cms.octavio.local');
  });

  it('reports a REFUSED answer as the resolver refusing, never as "not published"', async () => {
    const r = await runChecks(plugin.checks, {
      target: target({ internalDns: `${refusing.host}:${refusing.port}`, cmsAddress: CMS, edgeNatAddress: EDGE, cmsVersion: '2.9.1' }),
      mode: 'live',
    });
    const internalOnes = r.findings.filter((f) => f.subject?.endsWith('(internal)'));
    expect(internalOnes.length).toBeGreaterThan(0);
    for (const f of internalOnes) {
      // Needed names are undecided errors; optional/informational SRV records stay notes.
      expect(['error dns/resolver-refused', 'info dns/srv']).toContain(`${f.status} ${f.code}`);
      expect(f.detail).toContain('answered REFUSED');
      expect(`${f.title} ${f.detail}`).not.toMatch(/not published/);
    }
    const of = (prefix: string) => internalOnes.find((f) => f.subject?.startsWith(prefix));
    expect(of(NAME)?.code).toBe('dns/resolver-refused');
    expect(of('_xmpp-client._tcp.cms.octavio.local')?.code).toBe('dns/resolver-refused');
  });

  it('never passes anything that depends on a silent internal resolver (a UDP socket that never answers)', async () => {
    const silent = await silentUdp('127.0.0.64');
    try {
      const r = await runChecks(plugin.checks, {
        target: target({ internalDns: silent.addr, cmsAddress: CMS, edgeNatAddress: EDGE, cmsVersion: '2.9.1' }),
        mode: 'live',
        checkTimeoutMs: 3000,
      });
      const internalOnes = r.findings.filter((f) => f.subject?.endsWith('(internal)'));
      expect(internalOnes.map((f) => `${f.status} ${f.code} ${f.subject?.split(' @ ')[0]}`)).toEqual([
        `error dns/resolver-unreachable ${NAME}`,
        'error dns/resolver-unreachable _xmpp-client._tcp.cms.octavio.local',
        'info dns/srv _xmpp-server._tcp.cms.octavio.local',
        `info dns/srv _cms-web._tls.${NAME}`,
      ]);
      // Nothing passes without a subject (no blanket "No SRV problem found"), nothing internal passes.
      expect(r.findings.filter((f) => f.status === 'pass').every((f) => f.subject?.endsWith('(external)'))).toBe(true);
    } finally {
      await silent.close();
    }
  });

  it('finds the hairpin when the internal resolver is the public one', async () => {
    const r = await runChecks(plugin.checks, {
      target: target({ internalDns: `${external.host}:${external.port}`, cmsAddress: CMS, edgeNatAddress: EDGE }),
      mode: 'live',
    });
    const f = r.findings.find((x) => x.code === 'dns/internal-not-cms');
    expect(f?.detail).toMatch(/^Hairpin:/);
    expect(f?.detail).toContain(`${EDGE} is the Expressway-E address from --edge-nat-address`);
    expect(f?.evidence[0]).toMatchObject({ kind: 'dns-lookup', view: 'internal', aa: true, rcode: 'NOERROR' });
  });

  it('says there is no split horizon when both views are the same server', async () => {
    const r = await runChecks([plugin.checks[0]!], { target: target({ internalDns: `${external.host}:${external.port}` }), mode: 'live' });
    expect(r.findings.map((f) => f.code)).toEqual(['dns/no-split-horizon']);
  });

  it.skipIf(!hasDig)('reads real dig output of both views and judges it offline the same way', () => {
    const dig = (d: Dnsmasq) => execFileSync('dig', [`@${d.host}`, '-p', String(d.port), NAME, 'A'], { encoding: 'utf8', timeout: 5000 });
    const [i, e] = [parseDig(dig(internal)), parseDig(dig(external))];
    expect(i.errors).toEqual([]);
    expect(i.queries[0]).toMatchObject({
      status: 'NOERROR',
      server: { host: internal.host, port: internal.port },
      answer: [{ data: CMS }],
    });
    expect(e.queries[0]?.answer[0]?.data).toBe(EDGE);
  });
});
