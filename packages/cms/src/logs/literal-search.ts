/**
 * One pass over raw bytes for a whole set of literal anchors (Wu-Manber with
 * three-byte blocks), ignoring ASCII case. It is the log scan's prefilter: it may
 * report more than an exact search would (another letter case), never less, and
 * the signature's own RegExp has the last word. Searching every anchor in one
 * pass instead of one `indexOf` pass per anchor is what keeps a 1 GB syslog
 * within a small multiple of `grep`; the pass skips up to (shortest anchor - 2)
 * bytes at a time, so short anchors make it slower.
 *
 * Each anchor is represented by one window of (shortest anchor) bytes, not
 * necessarily its prefix: the window whose three-byte blocks are least likely in
 * log text. A window ending in a common block (`ing`, `ed `, `nce`...) makes every
 * such place in the file a candidate that advances one byte and is verified.
 */

const fold = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);
const FOLD = Uint8Array.from({ length: 256 }, (_, c) => fold(c));
/** Both ASCII cases of a (folded) byte; one entry for non-letters. */
const cases = (c: number): number[] => (c >= 0x61 && c <= 0x7a ? [c, c - 0x20] : [c]);
const BITS = 18;
const MASK = (1 << BITS) - 1;
/** Hash of the three bytes ending at a position; collisions only shorten shifts. */
const hash3 = (a: number, b: number, c: number): number => ((a << 12) ^ (b << 6) ^ c) & MASK;

/**
 * Rough odds of a (folded) byte in English-like log text, in thousandths: letter
 * frequencies, spaces and digits common, other punctuation rare. Only used to pick
 * each anchor's window, so a wrong guess costs speed, never a hit.
 */
const LETTERS = 'etaoinsrhldcumfpgwybvkxjqz';
const odds = (c: number): number => {
  if (c === 0x20) return 150;
  const l = LETTERS.indexOf(String.fromCharCode(c));
  if (l >= 0) return Math.max(2, 100 - 4 * l);
  if (c >= 0x30 && c <= 0x39) return 30;
  return 10;
};
/** English trigrams frequent enough to count as common whatever their letters' odds. */
const COMMON = new Set(
  'the|ing|and|ion|tio|ent|ati|for|her|ter|hat|tha|ere|con|res|ver|all|ons|nce|men|ith|ted|ers|pro|thi|wit|are|ess|not|ive|was|ect|rea|com|eve|per|int|est|sta|cti|ica|ist|ear|ain|one|our|iti|rat|ed_|er_|es_|on_|in_|al_|ng_|nt_|st_|re_|le_|ly_|ce_|_th|_in|_co|_re|_to|_de|_pr|_st|_an|_fo|_se'
    .replace(/_/g, ' ')
    .split('|'),
);
const trigramCost = (a: number, b: number, c: number): number =>
  COMMON.has(String.fromCharCode(a, b, c)) ? 1e6 : odds(a) * odds(b) * odds(c);
/**
 * Where in `p` its m-byte window starts: the window whose last block (every place
 * in the text holding it is verified) and other blocks (they shorten the shifts)
 * are least likely.
 */
function windowOffset(p: Uint8Array, m: number): number {
  let best = 0;
  let bestCost = Infinity;
  for (let o = 0; o + m <= p.length; o += 1) {
    let cost = 0;
    for (let j = o + 2; j < o + m; j += 1) cost += trigramCost(p[j - 2]!, p[j - 1]!, p[j]!) * (j === o + m - 1 ? 64 : 1);
    if (cost < bestCost) [best, bestCost] = [o, cost];
  }
  return best;
}

/** The search tables of one anchor set (immutable, shared by every search of that set). */
interface Tables {
  /** The anchors as case-folded bytes (of their UTF-8). */
  patterns: readonly Uint8Array[];
  /** Length of the shortest anchor: the search window. */
  m: number;
  /** Where each anchor's window starts in it. */
  offsets: Int32Array;
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
  /** The folded hash each anchor's window ends in. */
  const ends = new Int32Array(patterns.length);
  const offsets = Int32Array.from(patterns, (p) => windowOffset(p, m));
  patterns.forEach((full, k) => {
    const p = full.subarray(offsets[k]!, offsets[k]! + m);
    for (let j = 2; j < m; j += 1) {
      const s = m - 1 - j;
      for (const a of cases(p[j - 2]!))
        for (const b of cases(p[j - 1]!))
          for (const c of cases(p[j]!)) {
            const h = hash3(a, b, c);
            if (s < shift[h]!) shift[h] = s;
          }
    }
    ends[k] = hash3(p[m - 3]!, p[m - 2]!, p[m - 1]!);
  });
  // Anchors grouped by end hash, in anchor order (a counting sort: no array per hash,
  // which for 2^18 hashes cost more start-up time than a small log's whole scan). `head[h]`
  // counts the anchors ending below h: a step at each of the few hashes in use, so native
  // fills between them instead of a 2^18-step loop in cold code (about 10 ms per process).
  const order = Array.from(ends.keys()).sort((a, b) => ends[a]! - ends[b]! || a - b);
  const list = Int32Array.from(order);
  const head = new Int32Array(MASK + 2);
  order.forEach((k, i) => head.fill(i + 1, ends[k]! + 1, i + 1 < order.length ? ends[order[i + 1]!]! + 1 : MASK + 2));
  return { patterns, m, offsets, shift, head, list };
}

/** Tables by anchor set: a scanner per file must not rebuild them (1 MiB each). */
const TABLES = new Map<string, Tables>();

export class LiteralSearch {
  readonly patterns: readonly Uint8Array[];
  private readonly m: number;
  private readonly offsets: Int32Array;
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
    ({ patterns: this.patterns, m: this.m, offsets: this.offsets, shift: this.shift, head: this.head, list: this.list } = t);
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
    for (let k = 0; k < 4; k += 1) n = this.verify(bytes, this.cand, k * (q + 4), ends[k]!, from, to, n);
    return n;
  }

  /**
   * Checks candidate window ends against the anchors of their bucket; appends hits
   * from `n`. Windows sit at different offsets in their anchors, so a hit may start
   * before the previous one: it is moved back into place (hits are few and nearly
   * in order, so this stays cheap).
   */
  private verify(bytes: Uint8Array, cand: Int32Array, first: number, last: number, from: number, to: number, n: number): number {
    const { m, patterns, offsets, head, list } = this;
    for (let c = first; c < last; c += 1) {
      const i = cand[c]!;
      const h = hash3(FOLD[bytes[i - 2]!]!, FOLD[bytes[i - 1]!]!, FOLD[bytes[i]!]!);
      for (let x = head[h]!, end = head[h + 1]!; x < end; x += 1) {
        const k = list[x]!;
        const p = patterns[k]!;
        const start = i - m + 1 - offsets[k]!;
        if (start < from || start + p.length > to) continue;
        let j = 0;
        while (j < p.length && FOLD[bytes[start + j]!] === p[j]) j += 1;
        if (j < p.length) continue;
        if (n === this.hitPos.length) this.grow();
        const pos = this.hitPos;
        const anchor = this.hitAnchor;
        let at = n;
        while (at > 0 && (pos[at - 1]! > start || (pos[at - 1] === start && anchor[at - 1]! > k))) {
          pos[at] = pos[at - 1]!;
          anchor[at] = anchor[at - 1]!;
          at -= 1;
        }
        pos[at] = start;
        anchor[at] = k;
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
    // Branch-free: every position is written, and kept (z = 1) only when its shift is 0.
    cand[n0] = i0;
    cand[n1] = i1;
    cand[n2] = i2;
    cand[n3] = i3;
    const z0 = (s0 - 1) >>> 31;
    const z1 = (s1 - 1) >>> 31;
    const z2 = (s2 - 1) >>> 31;
    const z3 = (s3 - 1) >>> 31;
    n0 += z0;
    n1 += z1;
    n2 += z2;
    n3 += z3;
    i0 += s0 + z0;
    i1 += s1 + z1;
    i2 += s2 + z2;
    i3 += s3 + z3;
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
