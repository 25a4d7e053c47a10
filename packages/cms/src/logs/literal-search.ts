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

export class LiteralSearch {
  /** The anchors as case-folded bytes (of their UTF-8). */
  readonly patterns: readonly Uint8Array[];
  /** Length of the shortest anchor: the search window. */
  private readonly m: number;
  /** How far the window may move when it ends in a given three-byte hash (raw bytes, any case). */
  private readonly shift: Uint8Array;
  /** Anchors whose window ends in a given folded hash: indexes `list[head[h]..head[h+1])`. */
  private readonly head: Int32Array;
  private readonly list: Int32Array;

  constructor(anchors: readonly string[]) {
    this.patterns = anchors.map((a) => Uint8Array.from(Buffer.from(a, 'utf8'), fold));
    if (anchors.some((a) => Buffer.byteLength(a) < 3 || a.includes('\n'))) throw new RangeError('log anchors need three bytes or more and no newline');
    const m = (this.m = this.patterns.length === 0 ? 3 : Math.min(200, ...this.patterns.map((p) => p.length)));
    this.shift = new Uint8Array(MASK + 1).fill(this.patterns.length === 0 ? 255 : m - 2);
    const buckets = new Map<number, number[]>();
    this.patterns.forEach((p, k) => {
      for (let j = 2; j < m; j += 1) {
        const s = m - 1 - j;
        for (const a of cases(p[j - 2]!)) for (const b of cases(p[j - 1]!)) for (const c of cases(p[j]!)) {
          const h = hash3(a, b, c);
          if (s < this.shift[h]!) this.shift[h] = s;
        }
      }
      const h = hash3(p[m - 3]!, p[m - 2]!, p[m - 1]!);
      buckets.set(h, [...(buckets.get(h) ?? []), k]);
    });
    this.head = new Int32Array(MASK + 2);
    const flat: number[] = [];
    for (let h = 0; h <= MASK; h += 1) {
      this.head[h] = flat.length;
      flat.push(...(buckets.get(h) ?? []));
    }
    this.head[MASK + 1] = flat.length;
    this.list = Int32Array.from(flat);
  }

  /** Positions of the last `scan`'s hits (valid up to its return value). */
  hitPos = new Int32Array(1024);
  /** Anchor index of each hit. */
  hitAnchor = new Int32Array(1024);

  /**
   * Finds every anchor occurrence that starts in `bytes[from, to)` and ends by `to`,
   * in order of position (at one position, in anchor order), into `hitPos` and
   * `hitAnchor`; returns how many. Arrays are reused between scans.
   */
  scan(bytes: Uint8Array, from: number, to: number): number {
    const { m, shift, patterns, head, list } = this;
    if (patterns.length === 0) return 0;
    let n = 0;
    let i = from + m - 1;
    while (i < to) {
      const s = shift[((bytes[i - 2]! << 12) ^ (bytes[i - 1]! << 6) ^ bytes[i]!) & MASK]!;
      if (s !== 0) {
        i += s;
        continue;
      }
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
      i += 1;
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
