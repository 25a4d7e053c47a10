import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BoundedKeys, EventSlots, slotKey } from './open-events.js';

/** The reference: a Map in insertion order, re-inserting moves a key to the end, the oldest go first. */
class Model {
  readonly map = new Map<string, number>();
  constructor(readonly max: number) {}
  set(key: string, v: number): number {
    this.map.delete(key);
    this.map.set(key, v);
    let evicted = 0;
    while (this.map.size > this.max) {
      this.map.delete(this.map.keys().next().value!);
      evicted += 1;
    }
    return evicted;
  }
}

describe('BoundedKeys (insertion-ordered ring with stale entries)', () => {
  const op = fc.oneof(
    fc.record({ op: fc.constant('set' as const), key: fc.integer({ min: 0, max: 12 }) }),
    fc.record({ op: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 12 }) }),
  );

  it('evicts, finds and deletes like a Map in insertion order, and frees every slot (1000 runs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.array(op, { maxLength: 200 }), (max, ops) => {
        const slots = new EventSlots(2);
        const keys = new BoundedKeys(max, slots);
        const model = new Model(max);
        for (const { op: o, key } of ops) {
          const k = `k${key}`;
          if (o === 'set') {
            const s = slots.alloc();
            slots.push(s, key, 0, 0, undefined);
            expect(keys.set(k, s)).toBe(model.set(k, s));
            slots.release(s);
          } else {
            keys.delete(k);
            model.map.delete(k);
          }
          expect(keys.size).toBe(model.map.size);
          for (let j = 0; j <= 12; j += 1) {
            const s = keys.get(`k${j}`);
            expect(s >= 0).toBe(model.map.has(`k${j}`));
            if (s >= 0) expect(slots.line[s * 2]).toBe(j); // the slot still holds its own event
          }
        }
        // Slots are held only through the keys: none is left once they are gone.
        for (const k of [...model.map.keys()]) keys.delete(k);
        expect(Array.from(slots.refs).every((r) => r === 0)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('EventSlots', () => {
  it('keeps the first events and the newest when full, and copies a tail', () => {
    const s = new EventSlots(3);
    const a = s.alloc();
    for (let i = 1; i <= 5; i += 1) s.push(a, i, 10 * i, i, `t${i}`);
    expect(s.count[a]).toBe(3);
    expect(Array.from(s.line.subarray(a * 3, a * 3 + 3))).toEqual([1, 2, 5]);
    const b = s.alloc();
    s.copyTail(a, b, 2);
    s.push(b, 9, 90, 9, undefined);
    expect(Array.from(s.line.subarray(b * 3, b * 3 + 3))).toEqual([2, 5, 9]);
    expect(s.texts.slice(b * 3, b * 3 + 3)).toEqual(['t2', 't5', undefined]);
    expect(Array.from(s.at.subarray(b * 3, b * 3 + 3))).toEqual([20, 50, 90]);
  });

  it('reuses released slots and grows past its first allocation', () => {
    const s = new EventSlots(1);
    const held = Array.from({ length: 200 }, () => s.alloc());
    expect(new Set(held).size).toBe(200);
    s.release(held[7]!);
    expect(s.alloc()).toBe(held[7]);
    const zero = new EventSlots(0);
    const z = zero.alloc();
    zero.push(z, 1, 0, 0, 'x');
    expect(zero.count[z]).toBe(0);
  });
});

describe('slotKey: call and request numbers as map keys', () => {
  it('a short digit string without a leading zero is its number; anything else stays text', () => {
    expect([slotKey('1000000'), slotKey('0'), slotKey('999999999')]).toEqual([1000000, 0, 999999999]);
    expect([slotKey('0123'), slotKey('1234567890'), slotKey(''), slotKey('12a'), slotKey('?'), slotKey('-1')]).toEqual([
      '0123',
      '1234567890',
      '',
      '12a',
      '?',
      '-1',
    ]);
  });

  it('two strings give the same key exactly when they are equal', () => {
    const text = fc.oneof(fc.stringMatching(/^\d{0,11}$/), fc.string({ maxLength: 6 }));
    fc.assert(fc.property(text, text, (a, b) => (slotKey(a) === slotKey(b)) === (a === b)));
  });
});
