/**
 * One pass over raw bytes for a whole set of literal anchors (Wu-Manber with
 * three-byte blocks), ignoring ASCII case. It is the log scan's prefilter: it may
 * report more than an exact search would (another letter case), never less, and
 * the signature's own RegExp has the last word. Searching every anchor in one
 * pass instead of one `indexOf` pass per anchor is what keeps a 1 GB syslog
 * within a small multiple of `grep`; the pass skips up to (shortest anchor - 2)
 * bytes at a time, so short anchors make it slower.
 */

const fold = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);
const FOLD = Uint8Array.from({ length: 256 }, (_, c) => fold(c));
/** Both ASCII cases of a (folded) byte; one entry for non-letters. */
const cases = (c: number): number[] => (c >= 0x61 && c <= 0x7a ? [c, c - 0x20] : [c]);
const BITS = 18;
const MASK = (1 << BITS) - 1;
/** Hash of the three bytes ending at a position; collisions only shorten shifts. */
const hash3 = (a: number, b: number, c: number): number => ((a << 12) ^ (b << 6) ^ c) & MASK;

/** The search tables of one anchor set (immutable, shared by every search of that set). */
interface Tables {
  /** The anchors as case-folded bytes (of their UTF-8). */
  patterns: readonly Uint8Array[];
  /** Length of the shortest anchor: the search window. */
  m: number;
  /** How far the window may move when it ends in a given three-byte hash (raw bytes, any case). */
  shift: Uint8Array;
  /** Anchors whose window ends in a given folded hash: indexes `list[head[h]..head[h+1])`. */
  head: Int32Array;
  list: Int32Array;
}

function buildTables(anchors: readonly string[]): Tables {
  const patterns = anchors.map((a) => Uint8Array.from(Buffer.from(a, 'utf8'), fold));
  if (anchors.some((a) => Buffer.byteLength(a) < 3 || a.includes('\n')))
    throw new RangeError('log anchors need three bytes or more and no newline');
  const m = patterns.length === 0 ? 3 : Math.min(200, ...patterns.map((p) => p.length));
  const shift = new Uint8Array(MASK + 1).fill(patterns.length === 0 ? 255 : m - 2);
  const buckets = new Map<number, number[]>();
  patterns.forEach((p, k) => {
    for (let j = 2; j < m; j += 1) {
      const s = m - 1 - j;
      for (const a of cases(p[j - 2]!))
        for (const b of cases(p[j - 1]!))
          for (const c of cases(p[j]!)) {
            const h = hash3(a, b, c);
            if (s < shift[h]!) shift[h] = s;
          }
    }
    const h = hash3(p[m - 3]!, p[m - 2]!, p[m - 1]!);
    buckets.set(h, [...(buckets.get(h) ?? []), k]);
  });
  const head = new Int32Array(MASK + 2);
  const flat: number[] = [];
  for (let h = 0; h <= MASK; h += 1) {
    head[h] = flat.length;
    flat.push(...(buckets.get(h) ?? []));
  }
  head[MASK + 1] = flat.length;
  return { patterns, m, shift, head, list: Int32Array.from(flat) };
}

/** Tables by anchor set: a scanner per file must not rebuild them (1 MiB each). */
const TABLES = new Map<string, Tables>();

export class LiteralSearch {
  readonly patterns: readonly Uint8Array[];
  private readonly m: number;
  private readonly shift: Uint8Array;
  private readonly head: Int32Array;
  private readonly list: Int32Array;

  constructor(anchors: readonly string[]) {
    const key = anchors.join('\n');
    let t = TABLES.get(key);
    if (!t) {
      t = buildTables(anchors);
      if (TABLES.size >= 8) TABLES.delete(TABLES.keys().next().value!);
      TABLES.set(key, t);
    }
    ({ patterns: this.patterns, m: this.m, shift: this.shift, head: this.head, list: this.list } = t);
  }

  /** Positions of the last `scan`'s hits (valid up to its return value). */
  hitPos = new Int32Array(1024);
  /** Anchor index of each hit. */
  hitAnchor = new Int32Array(1024);
  /** Candidate window ends found by `lanes`, reused between scans. */
  private cand = new Int32Array(4096);

  /**
   * Finds every anchor occurrence that starts in `bytes[from, to)` and ends by `to`,
   * in order of position (at one position, in anchor order), into `hitPos` and
   * `hitAnchor`; returns how many. Arrays are reused between scans.
   */
  scan(bytes: Uint8Array, from: number, to: number): number {
    if (this.patterns.length === 0 || to - from < this.m) return 0;
    // Worst case every position is a candidate, in each of the four lanes' quarter.
    if (this.cand.length < to - from + 16) this.cand = new Int32Array(to - from + 16);
    const q = (to - from) >> 2;
    const ends = lanes(bytes, from, q, to, this.m, this.shift, this.cand);
    let n = 0;
    for (let k = 0; k < 4; k += 1) n = this.verify(bytes, this.cand, k * (q + 4), ends[k]!, to, n);
    return n;
  }

  /** Checks candidate window ends against the anchors of their bucket; appends hits from `n`. */
  private verify(bytes: Uint8Array, cand: Int32Array, first: number, last: number, to: number, n: number): number {
    const { m, patterns, head, list } = this;
    for (let c = first; c < last; c += 1) {
      const i = cand[c]!;
      const h = hash3(FOLD[bytes[i - 2]!]!, FOLD[bytes[i - 1]!]!, FOLD[bytes[i]!]!);
      const start = i - m + 1;
      for (let x = head[h]!, end = head[h + 1]!; x < end; x += 1) {
        const k = list[x]!;
        const p = patterns[k]!;
        if (start + p.length > to) continue;
        let j = 0;
        while (j < p.length && FOLD[bytes[start + j]!] === p[j]) j += 1;
        if (j < p.length) continue;
        if (n === this.hitPos.length) this.grow();
        this.hitPos[n] = start;
        this.hitAnchor[n] = k;
        n += 1;
      }
    }
    return n;
  }

  private grow(): void {
    const pos = new Int32Array(this.hitPos.length * 2);
    pos.set(this.hitPos);
    const anchor = new Int32Array(this.hitAnchor.length * 2);
    anchor.set(this.hitAnchor);
    this.hitPos = pos;
    this.hitAnchor = anchor;
  }
}

/**
 * The skip loop, in four lanes over four quarters of [from, to) run in lockstep: each
 * lane's next step waits on its own table lookup, so the CPU overlaps the four
 * dependency chains. Lane k writes its candidate window ends from `cand[k * (q + 4)]`;
 * returns where each lane's candidates end.
 */
function lanes(bytes: Uint8Array, from: number, q: number, to: number, m: number, shift: Uint8Array, cand: Int32Array): Int32Array {
  const e0 = Math.min(from + q + m - 1, to);
  const e1 = Math.min(from + 2 * q + m - 1, to);
  const e2 = Math.min(from + 3 * q + m - 1, to);
  const e3 = to;
  let i0 = from + m - 1;
  let i1 = from + q + m - 1;
  let i2 = from + 2 * q + m - 1;
  let i3 = from + 3 * q + m - 1;
  let n0 = 0;
  let n1 = q + 4;
  let n2 = 2 * (q + 4);
  let n3 = 3 * (q + 4);
  while (i0 < e0 && i1 < e1 && i2 < e2 && i3 < e3) {
    const s0 = shift[((bytes[i0 - 2]! << 12) ^ (bytes[i0 - 1]! << 6) ^ bytes[i0]!) & MASK]!;
    const s1 = shift[((bytes[i1 - 2]! << 12) ^ (bytes[i1 - 1]! << 6) ^ bytes[i1]!) & MASK]!;
    const s2 = shift[((bytes[i2 - 2]! << 12) ^ (bytes[i2 - 1]! << 6) ^ bytes[i2]!) & MASK]!;
    const s3 = shift[((bytes[i3 - 2]! << 12) ^ (bytes[i3 - 1]! << 6) ^ bytes[i3]!) & MASK]!;
    if (s0 === 0) cand[n0++] = i0;
    if (s1 === 0) cand[n1++] = i1;
    if (s2 === 0) cand[n2++] = i2;
    if (s3 === 0) cand[n3++] = i3;
    i0 += s0 === 0 ? 1 : s0;
    i1 += s1 === 0 ? 1 : s1;
    i2 += s2 === 0 ? 1 : s2;
    i3 += s3 === 0 ? 1 : s3;
  }
  n0 = tail(bytes, i0, e0, shift, cand, n0);
  n1 = tail(bytes, i1, e1, shift, cand, n1);
  n2 = tail(bytes, i2, e2, shift, cand, n2);
  n3 = tail(bytes, i3, e3, shift, cand, n3);
  return Int32Array.of(n0, n1, n2, n3);
}

function tail(bytes: Uint8Array, i: number, end: number, shift: Uint8Array, cand: Int32Array, n: number): number {
  while (i < end) {
    const s = shift[((bytes[i - 2]! << 12) ^ (bytes[i - 1]! << 6) ^ bytes[i]!) & MASK]!;
    if (s === 0) {
      cand[n++] = i;
      i += 1;
    } else i += s;
  }
  return n;
}
