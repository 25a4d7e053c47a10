import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { query } from '../../packages/dns/src/query.js';

/**
 * A resolver whose answer's owner name is a compression pointer to itself: decoding it
 * naively never ends; dns2 stops and drops the record. Either way the answer is not
 * "NOERROR, no data": the query says it could not decode what it received.
 */
describe('DNS pointer loop', () => {
  it('is reported as an undecodable answer naming the loop, quickly', async () => {
    const sock = createSocket('udp4');
    sock.on('message', (msg, from) => {
      const header = Buffer.from(msg.subarray(0, 12));
      header.writeUInt16BE(0x8180, 2); // response, RD, RA, NOERROR
      header.writeUInt16BE(1, 6); // one answer
      const question = msg.subarray(12);
      const at = 12 + question.length;
      const answer = Buffer.alloc(12);
      answer.writeUInt16BE(0xc000 | at, 0); // the owner name points at itself
      answer.writeUInt16BE(5, 2); // CNAME
      answer.writeUInt16BE(1, 4);
      answer.writeUInt32BE(60, 6);
      answer.writeUInt16BE(0, 10);
      sock.send(Buffer.concat([header, question, answer]), from.port, from.address);
    });
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const port = sock.address().port;
    try {
      const t0 = performance.now();
      const err = await query({ host: '127.0.0.1', port }, 'cmsweb.octavio.com', 'A', { timeoutMs: 3000 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'CMSD_PROTOCOL' });
      expect(String((err as Error).message)).toMatch(/undecodable answer from 127\.0\.0\.1:\d+: answers\[0\].*pointer cycle/);
      expect(performance.now() - t0).toBeLessThan(2000);
    } finally {
      sock.close();
    }
  });
});
