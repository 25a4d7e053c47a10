import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { probeAllocate } from '../../packages/turn/src/probe/allocate.js';
import { allocateFindings } from '../../packages/turn/src/probe/verdict.js';

/** A "TURN server" that answers every request with a STUN-sized reply that is not STUN. */
describe('a malformed STUN reply', () => {
  it('is reported as what was received, not as "no answer"', async () => {
    const sock = createSocket('udp4');
    sock.on('message', (msg, from) => {
      const junk = Buffer.from(msg.subarray(0, 20));
      junk.writeUInt16BE(0x0113, 0); // Allocate error response...
      junk.writeUInt16BE(7, 2); // ...whose length is not a multiple of 4 and runs past the end
      sock.send(junk, from.port, from.address);
    });
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    try {
      const r = await probeAllocate({ host: '127.0.0.1', port: sock.address().port, transport: 'udp', answerTimeoutMs: 800 });
      expect(r.transactions[0]?.received).toMatch(/received \d+ reply\(ies\) that did not decode as STUN/);
      const detail = allocateFindings(r)
        .map((f) => f.detail ?? '')
        .join('\n');
      expect(detail).toMatch(/no valid answer after \d+ transmission\(s\): received \d+ reply\(ies\) that did not decode/);
    } finally {
      sock.close();
    }
  });
});
