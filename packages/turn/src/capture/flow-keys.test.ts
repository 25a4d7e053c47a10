import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hashWords, transactionHash } from './flow-keys.js';

/** A STUN header (20 bytes) with the magic cookie or without (RFC 3489), preceded by `pad` bytes. */
function header(id: Uint8Array, cookie: boolean, pad: number): Buffer {
  const b = Buffer.alloc(pad + 20);
  b.writeUInt16BE(0x0001, pad);
  if (cookie) {
    b.writeUInt32BE(0x2112a442, pad + 4);
    Buffer.from(id.subarray(0, 12)).copy(b, pad + 8);
  } else Buffer.from(id.subarray(0, 16)).copy(b, pad + 4);
  return b;
}

describe('transactionHash: transaction ids as map keys without strings', () => {
  it('hashes the id words as hashWords does, wherever the message sits in the buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.boolean(), fc.nat(40), (id, cookie, pad) => {
        const b = header(id, cookie, pad);
        const at = cookie ? 8 : 4;
        const words = new Int32Array(4);
        const n = (20 - at) / 4;
        for (let i = 0; i < n; i++) words[i] = b.readInt32BE(pad + at + 4 * i);
        expect(transactionHash(b, pad, cookie)).toBe(hashWords(words, n));
        expect(transactionHash(b, pad, cookie)).toBe(transactionHash(header(id, cookie, 0), 0, cookie));
        expect(Number.isSafeInteger(transactionHash(b, pad, cookie))).toBe(true);
      }),
    );
  });

  it('gives different ids different numbers (no collision among 200,000 random ids, nor ids one bit apart)', () => {
    const seen = new Set<number>();
    const id = new Uint8Array(16);
    for (let i = 0; i < 200_000; i++) {
      crypto.getRandomValues(id);
      seen.add(transactionHash(header(id, true, 0), 0, true));
    }
    expect(seen.size).toBe(200_000);
    const base = new Uint8Array(16);
    const one = new Set([transactionHash(header(base, true, 0), 0, true)]);
    for (let bit = 0; bit < 96; bit++) {
      const flipped = Uint8Array.from(base);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      one.add(transactionHash(header(flipped, true, 0), 0, true));
    }
    expect(one.size).toBe(97);
  });
});
