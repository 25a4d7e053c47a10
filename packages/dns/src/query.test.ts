import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabDns, type LabDns, type LabDnsFault } from '../../lab/src/dns-server/index.js';
import { query } from './query.js';
import { lookup } from './lookup.js';

const RECORDS = [
  { name: 'cmsweb.octavio.com', type: 'A', value: '127.0.0.10', ttl: 120 },
  { name: 'alias.octavio.com', type: 'CNAME', value: 'cmsweb.octavio.com' },
  { name: 'loop1.octavio.com', type: 'CNAME', value: 'loop2.octavio.com' },
  { name: 'loop2.octavio.com', type: 'CNAME', value: 'loop1.octavio.com' },
  { name: '_xmpp-client._tcp.cms.octavio.local', type: 'SRV', priority: 10, weight: 10, port: 5222, target: 'xmpp.cms.octavio.local' },
] as const;

const servers: Partial<Record<LabDnsFault, LabDns>> = {};
const at = (f: LabDnsFault) => ({ host: servers[f]!.host, port: servers[f]!.port });

beforeAll(async () => {
  const faults: LabDnsFault[] = ['none', 'silent', 'servfail', 'nxdomain', 'tcp-silent', 'truncate-udp'];
  await Promise.all(
    faults.map(async (fault, i) => {
      servers[fault] = await startLabDns({ host: `127.0.0.${20 + i}`, records: [...RECORDS], fault });
    }),
  );
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

describe('query', () => {
  it('answers A with TTL, rcode and the AA flag over UDP', async () => {
    const r = await query(at('none'), 'CMSWEB.octavio.com.', 'A');
    expect(r).toMatchObject({ transport: 'udp', rcode: 'NOERROR', aa: true, tc: false });
    expect(r.answers).toEqual([{ name: 'cmsweb.octavio.com', type: 'A', ttl: 120, data: '127.0.0.10' }]);
  });

  it('decodes SRV fields', async () => {
    const r = await query(at('none'), '_xmpp-client._tcp.cms.octavio.local', 'SRV');
    expect(r.answers[0]?.srv).toEqual({ priority: 10, weight: 10, port: 5222, target: 'xmpp.cms.octavio.local' });
  });

  it('keeps NXDOMAIN for an unknown name as a response', async () => {
    const r = await query(at('none'), 'nothing.octavio.com', 'A');
    expect(r.rcode).toBe('NXDOMAIN');
    expect(r.aa).toBe(true);
  });

  it('reports SERVFAIL and NXDOMAIN faults as rcodes', async () => {
    expect((await query(at('servfail'), 'cmsweb.octavio.com', 'A')).rcode).toBe('SERVFAIL');
    expect((await query(at('nxdomain'), 'cmsweb.octavio.com', 'A')).rcode).toBe('NXDOMAIN');
  });

  it('falls back to TCP when the UDP answer is truncated', async () => {
    const before = servers['truncate-udp']!.queries.length;
    const r = await query(at('truncate-udp'), 'cmsweb.octavio.com', 'A');
    expect(r).toMatchObject({ transport: 'tcp', truncatedOverUdp: true, rcode: 'NOERROR' });
    expect(r.answers.map((a) => a.data)).toEqual(['127.0.0.10']);
    expect(servers['truncate-udp']!.queries.slice(before).map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });

  it('times out on a silent server', async () => {
    await expect(query(at('silent'), 'cmsweb.octavio.com', 'A', { timeoutMs: 300, retransmitMs: 100 })).rejects.toMatchObject({
      code: 'CMSD_TIMEOUT',
    });
  });

  it('times out when TCP never answers after a truncated UDP answer (dns2 TCPClient would hang)', async () => {
    await expect(query(at('tcp-silent'), 'cmsweb.octavio.com', 'A', { timeoutMs: 300 })).rejects.toMatchObject({ code: 'CMSD_TIMEOUT' });
  });

  it('stops at once when the caller aborts', async () => {
    const ac = new AbortController();
    const p = query(at('silent'), 'cmsweb.octavio.com', 'A', { signal: ac.signal, timeoutMs: 60_000 });
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'CMSD_TIMEOUT' });
  });

  it('reports a refused TCP connection as a network error', async () => {
    await expect(query({ host: '127.0.0.1', port: 1 }, 'x.example', 'A', { transport: 'tcp', timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'CMSD_NETWORK',
    });
  });
});

describe('lookup', () => {
  it('shows the CNAME chain a server followed itself', async () => {
    const l = await lookup(at('none'), 'alias.octavio.com', 'A');
    expect(l.status).toBe('answer');
    expect(l.chain).toEqual([{ name: 'alias.octavio.com', target: 'cmsweb.octavio.com', ttl: 300 }]);
    expect(l.records.map((r) => r.data)).toEqual(['127.0.0.10']);
    expect(l.queries).toBe(1);
  });

  it('follows a chain the server did not follow', async () => {
    const s = await startLabDns({ host: '127.0.0.30', records: [...RECORDS], followCname: false });
    try {
      const l = await lookup({ host: s.host, port: s.port }, 'alias.octavio.com', 'A');
      expect(l).toMatchObject({ status: 'answer', queries: 2 });
      expect(l.chain.map((c) => c.target)).toEqual(['cmsweb.octavio.com']);
    } finally {
      await s.close();
    }
  });

  it('survives a CNAME loop', async () => {
    const l = await lookup(at('none'), 'loop1.octavio.com', 'A');
    expect(l.records).toEqual([]);
    expect(l.chain.length).toBeGreaterThan(0);
  });

  it('turns a timeout into a status, never a throw', async () => {
    const l = await lookup(at('silent'), 'cmsweb.octavio.com', 'A', { timeoutMs: 200, retransmitMs: 100 });
    expect(l.status).toBe('timeout');
    expect(l.error).toMatch(/deadline/);
  });

  it('works over IPv6 loopback', async () => {
    const s = await startLabDns({ host: '::1', records: [...RECORDS] });
    try {
      const l = await lookup({ host: '::1', port: s.port }, 'cmsweb.octavio.com', 'A');
      expect(l.server).toBe(`[::1]:${s.port}`);
      expect(l.status).toBe('answer');
    } finally {
      await s.close();
    }
  });
});
