import { describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { Packet } from 'dns2';
import { answerFor, startLabDns } from './index.js';

const ask = (port: number, host: string, name: string, type: keyof typeof Packet.TYPE) =>
  new Promise<ReturnType<typeof Packet.parse>>((resolve, reject) => {
    const q = new Packet();
    q.header.id = 4242;
    q.questions.push({ name, type: Packet.TYPE[type], class: Packet.CLASS.IN } as never);
    const s = createSocket('udp4');
    const t = setTimeout(() => {
      s.close();
      reject(new Error('timeout'));
    }, 2000);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(Packet.parse(m));
    });
    s.send(q.toBuffer(), port, host);
  });

describe('startLabDns', () => {
  it('serves UDP and TCP on the same loopback port, authoritatively, NXDOMAIN for unknown names', async () => {
    const s = await startLabDns({ host: '127.0.0.91', records: [{ name: 'a.test', type: 'A', value: '127.0.0.1', ttl: 42 }] });
    try {
      const r = await ask(s.port, s.host, 'a.test', 'A');
      expect(r.header).toMatchObject({ aa: 1, rcode: 0 });
      expect(r.answers[0]).toMatchObject({ address: '127.0.0.1', ttl: 42 });
      expect((await ask(s.port, s.host, 'b.test', 'A')).header.rcode).toBe(3);
      await new Promise<void>((resolve, reject) => {
        const c = connect({ host: s.host, port: s.port }, () => {
          c.end();
          resolve();
        });
        c.on('error', reject);
      });
    } finally {
      await s.close();
    }
  });

  it('refuses every question with fault "refused" (RCODE 5, not authoritative)', async () => {
    const s = await startLabDns({ host: '127.0.0.92', records: [{ name: 'a.test', type: 'A', value: '127.0.0.1' }], fault: 'refused' });
    try {
      const r = await ask(s.port, s.host, 'a.test', 'A');
      expect(r.header).toMatchObject({ aa: 0, rcode: 5 });
      expect(r.answers).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('answers SRV and follows in-zone CNAMEs (unless told not to)', () => {
    const records = [
      { name: 'alias.test', type: 'CNAME', value: 'host.test' },
      { name: 'host.test', type: 'A', value: '127.0.0.2' },
      { name: '_x._tcp.test', type: 'SRV', priority: 1, weight: 2, port: 3, target: 'host.test' },
    ] as const;
    expect(answerFor([...records], 'ALIAS.test.', Packet.TYPE.A).answers.map((a) => a.type)).toEqual([Packet.TYPE.CNAME, Packet.TYPE.A]);
    expect(answerFor([...records], 'alias.test', Packet.TYPE.A, false).answers).toHaveLength(1);
    expect(answerFor([...records], '_x._tcp.test', Packet.TYPE.SRV).answers[0]).toMatchObject({
      priority: 1,
      weight: 2,
      port: 3,
      target: 'host.test',
    });
    expect(answerFor([...records], 'host.test', Packet.TYPE.AAAA)).toEqual({ rcode: 0, answers: [] });
  });

  it('close() ends open TCP connections and frees the port', async () => {
    const s = await startLabDns({ host: '127.0.0.92', records: [], fault: 'tcp-silent' });
    const c = connect({ host: s.host, port: s.port });
    await new Promise((r) => c.on('connect', r));
    const closed = new Promise((r) => c.on('close', r));
    await s.close();
    await closed;
    const again = await startLabDns({ host: '127.0.0.92', port: s.port, records: [] });
    await again.close();
  });
});
