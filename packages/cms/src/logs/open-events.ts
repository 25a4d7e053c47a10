/**
 * The correlation state of the log scan: open logins and calls with their latest
 * timeline events. A 1 GB syslog opens hundreds of thousands of calls; as objects
 * with an array each, those that live long enough to be promoted (every call that
 * is never torn down stays until 2000 newer ones push it out) were old-generation
 * garbage, and collecting it cost more than a second. Here each open login or call
 * is a slot number: its events are (line, byte offset, length) entries in typed
 * arrays that grow to the number of slots in use and are reused after.
 */
export class EventSlots {
  /** Event numbers and file positions, `per` entries per slot. */
  line = new Float64Array(0);
  at = new Float64Array(0);
  len = new Int32Array(0);
  /** Event texts when they are copied (no file to read them back from). */
  texts: (string | undefined)[] = [];
  /** Events held by each slot (at most `per`). */
  count = new Int32Array(0);
  /** Holders of each slot (maps, the latest login, a caller); free at zero. */
  refs = new Int32Array(0);
  /** The guest a login or call belongs to. */
  user: (string | undefined)[] = [];
  /** The login request a login came in as (logins only). */
  req: (SlotKey | undefined)[] = [];
  private freeList: number[] = [];
  private used = 0;

  constructor(readonly per: number) {}

  /** A fresh empty slot, held once by the caller (who must `release` it). */
  alloc(): number {
    let s = this.freeList.pop();
    if (s === undefined) {
      if (this.used === this.count.length) this.grow();
      s = this.used;
      this.used += 1;
    }
    this.count[s] = 0;
    this.refs[s] = 1;
    this.user[s] = undefined;
    this.req[s] = undefined;
    return s;
  }

  retain(s: number): void {
    this.refs[s]! += 1;
  }

  release(s: number): void {
    if ((this.refs[s]! -= 1) === 0) {
      this.user[s] = undefined;
      this.req[s] = undefined;
      this.freeList.push(s);
    }
  }

  /** Appends an event; when the slot is full the newest replaces its last one. */
  push(s: number, line: number, at: number, len: number, text: string | undefined): void {
    if (this.per === 0) return;
    let i = this.count[s]!;
    if (i === this.per) i -= 1;
    else this.count[s] = i + 1;
    const e = s * this.per + i;
    this.line[e] = line;
    this.at[e] = at;
    this.len[e] = len;
    this.texts[e] = text;
  }

  /** Appends the last `n` events of slot `from` to slot `to` (n within `to`'s room). */
  copyTail(from: number, to: number, n: number): void {
    const src = from * this.per + this.count[from]! - n;
    for (let k = 0; k < n; k += 1) {
      const e = src + k;
      this.push(to, this.line[e]!, this.at[e]!, this.len[e]!, this.texts[e]);
    }
  }

  private grow(): void {
    const slots = Math.max(64, this.count.length * 2);
    const n = slots * this.per;
    const line = new Float64Array(n);
    line.set(this.line);
    const at = new Float64Array(n);
    at.set(this.at);
    const len = new Int32Array(n);
    len.set(this.len);
    const count = new Int32Array(slots);
    count.set(this.count);
    const refs = new Int32Array(slots);
    refs.set(this.refs);
    Object.assign(this, { line, at, len, count, refs });
  }
}

const KEEP = {};

/** A key of open calls, logins or users: see `slotKey`. */
export type SlotKey = string | number;
/** Digit strings up to this long are below 2^31: small integers in V8 (Smis). */
const MAX_NUMERIC_KEY_DIGITS = 9;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/**
 * A call or login request number as a map key: a string of up to nine digits without a
 * leading zero becomes its number, a small integer that a map hashes without reading
 * characters and that pins no scanned piece (nothing to copy); anything else stays text.
 * One string gives one key, and two strings the same key only when they are equal.
 */
export function slotKey(s: string): SlotKey {
  const n = s.length;
  if (n === 0 || n > MAX_NUMERIC_KEY_DIGITS || (n > 1 && s.charCodeAt(0) === DIGIT_0)) return s;
  let v = 0;
  for (let i = 0; i < n; i += 1) {
    const c = s.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return s;
    v = v * 10 + (c - DIGIT_0);
  }
  return v;
}

/**
 * Keys (a call number, a login request, a user) of slots, at most `max`: inserting
 * beyond it evicts the oldest insertion. Insertion order is a ring of keys, entry
 * `stamp % capacity` for stamps head..tail-1, rather than a Map's own order: a key
 * deleted or inserted again leaves a stale ring entry that is skipped (the key's
 * stamp no longer matches) and dropped when the ring is compacted, so eviction is
 * O(1) and no iterator is made per insertion.
 */
export class BoundedKeys {
  /**
   * key -> stamp of its live ring entry (which holds its slot). It never becomes
   * empty: V8 shrinks a Map, allocating a new table, when a delete leaves it under a
   * quarter full, so a map of logins that goes 0 -> 1 -> 0 for every guest made a
   * table per login. A key no log line can produce (an object) keeps it at one.
   */
  private readonly stamps = new Map<SlotKey | object, number>([[KEEP, -1]]);
  private ringKey: SlotKey[] = [];
  private ringSlot = new Int32Array(16);
  private head = 0;
  private tail = 0;

  constructor(
    private readonly max: number,
    private readonly store: EventSlots,
  ) {}

  get size(): number {
    return this.stamps.size - 1;
  }

  /** The slot under `key`, or -1. */
  get(key: SlotKey): number {
    const stamp = this.stamps.get(key);
    return stamp === undefined ? -1 : this.ringSlot[stamp % this.ringSlot.length]!;
  }

  /** Puts `slot` under `key` (as the newest); returns how many older keys were evicted. */
  set(key: SlotKey, slot: number): number {
    this.store.retain(slot);
    const old = this.stamps.get(key);
    if (old !== undefined) this.store.release(this.ringSlot[old % this.ringSlot.length]!);
    if (this.tail - this.head === this.ringSlot.length) this.compact();
    const i = this.tail % this.ringSlot.length;
    this.ringKey[i] = key;
    this.ringSlot[i] = slot;
    this.stamps.set(key, this.tail);
    this.tail += 1;
    let evicted = 0;
    while (this.stamps.size - 1 > this.max) {
      const k = this.ringKey[this.head % this.ringSlot.length]!;
      if (this.stamps.get(k) === this.head) {
        this.delete(k);
        evicted += 1;
      }
      this.head += 1;
    }
    return evicted;
  }

  /** Removes `key` (not an eviction). */
  delete(key: SlotKey): void {
    const stamp = this.stamps.get(key);
    if (stamp === undefined) return;
    this.store.release(this.ringSlot[stamp % this.ringSlot.length]!);
    this.stamps.delete(key);
  }

  /** Keeps the live ring entries in order; doubles the ring if most of them are live. */
  private compact(): void {
    const cap = this.ringSlot.length;
    const keys: SlotKey[] = [];
    const slots: number[] = [];
    for (let s = this.head; s < this.tail; s += 1) {
      const k = this.ringKey[s % cap]!;
      if (this.stamps.get(k) === s) {
        keys.push(k);
        slots.push(this.ringSlot[s % cap]!);
      }
    }
    this.ringSlot = new Int32Array(keys.length * 2 > cap ? cap * 2 : cap);
    this.ringKey = keys;
    this.ringSlot.set(slots);
    keys.forEach((k, s) => this.stamps.set(k, s));
    this.head = 0;
    this.tail = keys.length;
  }
}
