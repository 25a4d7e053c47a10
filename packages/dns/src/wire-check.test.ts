import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Packet } from 'dns2';
import { firstUndecodable } from './wire-check.js';

describe('firstUndecodable', () => {
  it('finds nothing wrong in a message dns2 encodes, and names a pointer cycle', () => {
    const p = new Packet();
    p.questions.push({ name: 'cmsweb.octavio.com', type: Packet.TYPE.A, class: Packet.CLASS.IN });
    p.answers.push({ name: 'cmsweb.octavio.com', type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 60, address: '127.0.0.1' });
    const bytes = Buffer.from(p.toBuffer());
    expect(firstUndecodable(bytes)).toBeUndefined();
    // One question, then an answer whose owner name is a pointer to itself.
    const query = Buffer.from(bytes.subarray(0, 12 + 'cmsweb.octavio.com'.length + 2 + 4));
    query.writeUInt16BE(1, 6);
    const at = query.length;
    const answer = Buffer.alloc(12);
    answer.writeUInt16BE(0xc000 | at, 0);
    answer.writeUInt16BE(5, 2);
    expect(firstUndecodable(Buffer.concat([query, answer]))).toBe(`answers[0]: compression pointer cycle at offset ${at}`);
  });

  it('never throws and always ends on arbitrary bytes (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const r = firstUndecodable(bytes);
        expect(r === undefined || typeof r === 'string').toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
