import { open, type FileHandle } from 'node:fs/promises';
import { readSync } from 'node:fs';
import { emit } from '../emit.js';
import { isAscii } from 'node:buffer';
import type { Evidence, FindingDraft, Status } from '@cms-doctor/core';
import { SIGNATURES, type Signature } from './signatures.js';
import { parseLogLine } from './line.js';
import { LiteralSearch } from './literal-search.js';
import { BoundedKeys, EventSlots } from './open-events.js';
import { positional, type PositionalPattern } from './positional.js';

/** Longest line text kept as evidence. */
const MAX_EVIDENCE_LINE = 600;
const SAMPLES = 3;
const MAX_TIMELINES = 3;
const MAX_CALLS_LISTED = 20;

export interface ScanLimits {
  /** Open calls tracked for timelines; the oldest is evicted beyond this. */
  maxOpenCalls: number;
  /** Guest logins tracked until a call claims them. */
  maxOpenLogins: number;
  /** Events kept per call or login. */
  maxEventsPerCall: number;
}
export const DEFAULT_LIMITS: ScanLimits = { maxOpenCalls: 2000, maxOpenLogins: 2000, maxEventsPerCall: 24 };

export interface LineRef {
  line: number;
  text: string;
}
export interface CallTimeline {
  call: string;
  user?: string;
  events: LineRef[];
}
export interface Aggregate {
  signature: Signature;
  groups: Record<string, string>;
  count: number;
  firstLine: number;
  lastLine: number;
  samples: LineRef[];
  calls: string[];
  timelines: CallTimeline[];
}
export interface ScanResult {
  lines: number;
  /** Lines parsed as a known log format (prefiltered lines only in the byte scan). */
  aggregates: Aggregate[];
  evictedCalls: number;
  evictedLogins: number;
  /** Lines longer than the scanner keeps (only their start is scanned). */
  overlongLines: number;
  bytes: number;
}

/**
 * A line a timeline may show. With a `LineReader` its text stays in the file (`at`,
 * `len`) and is read back only if the line ends up in a finding's timeline; without
 * one it is copied when seen.
 */
interface Ev {
  line: number;
  text: string | undefined;
  at: number;
  len: number;
}
type GroupIndex = Readonly<Record<'call' | 'user' | 'req' | 'req2', number>>;
/** A named group of a match, by the index PositionalPattern.index gave for it. */
const group = (c: PositionalPattern, m: RegExpExecArray, k: number, name: string): string | undefined =>
  k > 0 ? m[k] : k === 0 ? undefined : c.group(m, name);

/** Reads `len` bytes at byte offset `at` of the scanned file (for timeline texts). */
export type LineReader = (at: number, len: number) => Buffer;

const clip = (s: string): string => (s.length > MAX_EVIDENCE_LINE ? `${s.slice(0, MAX_EVIDENCE_LINE)}…` : s);
/**
 * A copy of `s` that holds no reference to the string it was cut from. A slice of a
 * 1 MiB chunk keeps the whole chunk alive (V8 sliced strings), so every text the
 * scanner keeps past the chunk goes through here; concatenating and slicing again
 * makes V8 copy the characters into a string of their own.
 */
const own = (s: string): string => (s.length < 13 ? s : ` ${s}`.slice(1));
/** Bytes read back for a lazy timeline line: enough for MAX_EVIDENCE_LINE characters of UTF-8. */
const READ_BACK = 4 * MAX_EVIDENCE_LINE + 4;
const foldAscii = (s: string): string => s.replace(/[A-Z]+/g, (x) => x.toLowerCase());

/**
 * Anchors after removing those that contain another (ignoring ASCII case): a line
 * holding the longer one holds the shorter, so searching the shorter suffices.
 */
export function minimalAnchors(anchors: readonly string[]): string[] {
  const folded = [...new Map(anchors.map((a) => [foldAscii(a), a])).entries()];
  return folded.filter(([f]) => !folded.some(([g]) => g !== f && f.includes(g))).map(([, a]) => a);
}

/** True when `text` holds one of the signature's anchors (ignoring case when its pattern does). */
export function hasAnchor(sig: Signature, text: string): boolean {
  if (!sig.pattern.flags.includes('i')) return sig.anchors.some((a) => text.includes(a));
  const lower = text.toLowerCase();
  return sig.anchors.some((a) => lower.includes(a.toLowerCase()));
}

/**
 * The streaming signature scan. Feed it lines (in any order of files, one file per
 * scanner) and read the aggregates: repeated lines fold into one aggregate with a
 * count and first/last line numbers, and a problem that names a call carries that
 * call's timeline from guest login. State is bounded by `limits`.
 */
export class LogScanner {
  /**
   * Aggregates as indexes into `aggList`, per signature: by the signature's key
   * group values joined with NUL (one group: its value alone), or the only one of a
   * signature without key groups. Per signature, so a line's lookup key is a capture
   * as it is, not a fresh concatenation V8 must flatten and hash every time.
   */
  private readonly aggs: Map<string, number>[];
  private readonly soleAgg: number[];
  private readonly aggList: Aggregate[] = [];
  /** Open logins and calls (slots) and the keys they are tracked under. */
  private readonly slots: EventSlots;
  private readonly calls: BoundedKeys;
  private readonly logins: BoundedKeys;
  private readonly users: BoundedKeys;
  private lastLogin = -1;
  /**
   * The latest line of each aggregate while its block is scanned: it changes on
   * every repeat, so it stays a (line, slice) pair here and becomes the latest
   * sample, a string of its own, only when the block is done (`settle`). Plain
   * arrays reused for the whole scan: a structure made per block that lived long
   * enough to be promoted kept its slices' 64 KiB blocks alive through scavenges.
   */
  private readonly pendingLine: number[] = [];
  private readonly pendingText: string[] = [];
  /** Indexes of the aggregates with a pending line. */
  private readonly unsettled: number[] = [];
  evictedCalls = 0;
  evictedLogins = 0;
  overlongLines = 0;
  lines = 0;
  bytes = 0;
  /**
   * The byte prefilter: the catalogue's anchors minus those that contain another,
   * searched in one pass ignoring ASCII case. Bit min(k, 31) of a line's mask says
   * prefilter anchor k is in the line; `masks[i]` says which bits lead to signature i,
   * `direct[i]` which of those are one of signature i's own anchors (no recheck needed).
   */
  readonly prefilter: readonly string[];
  readonly search: LiteralSearch;
  private readonly masks: readonly number[];
  private readonly direct: readonly number[];
  private readonly caseless: readonly boolean[];
  private readonly lowerAnchors: readonly (readonly string[])[];
  /** Each signature's pattern with numbered groups (no groups object per match). */
  private readonly compiled: readonly PositionalPattern[];
  /** Per signature, where the groups the correlation reads are (see PositionalPattern.index). */
  private readonly gi: readonly GroupIndex[];
  /** Where the line being matched sits in the file (set by the byte scan, -1 otherwise). */
  private at = -1;
  private len = 0;
  /** Set by scanFile: timeline lines are then read back from the file, not copied. */
  reader: LineReader | undefined;
  constructor(
    private readonly limits: ScanLimits = DEFAULT_LIMITS,
    private readonly signatures: readonly Signature[] = SIGNATURES,
  ) {
    this.slots = new EventSlots(Math.max(0, limits.maxEventsPerCall));
    this.calls = new BoundedKeys(limits.maxOpenCalls, this.slots);
    this.logins = new BoundedKeys(limits.maxOpenLogins, this.slots);
    this.users = new BoundedKeys(limits.maxOpenLogins, this.slots);
    this.prefilter = minimalAnchors(signatures.flatMap((sg) => sg.anchors));
    this.search = new LiteralSearch(this.prefilter);
    const bit = (k: number): number => 1 << Math.min(k, 31);
    const folded = this.prefilter.map(foldAscii);
    this.masks = signatures.map((sg) => folded.reduce((m, p, k) => (sg.anchors.some((a) => foldAscii(a).includes(p)) ? m | bit(k) : m), 0));
    this.direct = signatures.map((sg) =>
      folded.reduce((m, p, k) => (k < 31 && sg.anchors.some((a) => foldAscii(a) === p) ? m | bit(k) : m), 0),
    );
    this.caseless = signatures.map((sg) => sg.pattern.flags.includes('i'));
    this.lowerAnchors = signatures.map((sg) => sg.anchors.map((a) => a.toLowerCase()));
    this.compiled = signatures.map((sg) => positional(sg.pattern));
    this.aggs = signatures.map(() => new Map());
    this.soleAgg = signatures.map(() => -1);
    this.gi = this.compiled.map((c) => ({ call: c.index('call'), user: c.index('user'), req: c.index('req'), req2: c.index('req2') }));
  }

  /**
   * One line (1-based number). `prefilterMask` comes from the byte scan (which anchors
   * the line holds); without it every signature's anchors are checked here.
   */
  line(text: string, lineNo: number, prefilterMask = -1, at = -1, len = 0): void {
    this.at = at;
    this.len = len;
    const plan = this.plans.get(prefilterMask) ?? this.plan(prefilterMask);
    let lower: string | undefined;
    for (let x = 0; x < plan.length; x += 1) {
      const i = plan[x]! >> 1;
      if ((plan[x]! & 1) === 1) {
        if (this.caseless[i]) {
          lower ??= text.toLowerCase();
          const l = lower;
          if (!this.lowerAnchors[i]!.some((a) => l.includes(a))) continue;
        } else if (!this.signatures[i]!.anchors.some((a) => text.includes(a))) continue;
      }
      const sig = this.signatures[i]!;
      const c = this.compiled[i]!;
      const m = c.re.exec(text);
      if (!m) continue;
      if (sig.role === 'timeline') this.timeline(sig, c, this.gi[i]!, m, lineNo, text);
      else this.problem(i, sig, c, this.gi[i]!, m, lineNo, text);
    }
  }

  /**
   * The signatures a prefilter mask leads to, in catalogue order, as 2i+1 when the
   * line must be checked for one of signature i's own anchors first, else 2i. A
   * line holds few distinct anchor sets, so this is worked out once per mask.
   */
  private readonly plans = new Map<number, Int32Array>();
  private plan(mask: number): Int32Array {
    const out: number[] = [];
    this.signatures.forEach((_, i) => {
      if ((this.masks[i]! & mask) === 0) return;
      out.push(2 * i + (mask === -1 || (this.direct[i]! & mask) === 0 ? 1 : 0));
    });
    const plan = Int32Array.from(out);
    this.plans.set(mask, plan);
    return plan;
  }

  /** Timeline lines stay in the file when it can be read back, else their text is copied. */
  private get lazy(): boolean {
    return this.reader !== undefined && this.at >= 0;
  }

  /** The current line as a timeline event of slot `t`. */
  private push(t: number, lineNo: number, text: string): void {
    this.slots.push(t, lineNo, this.at, this.len, this.lazy ? undefined : own(clip(text)));
  }

  /** The events of slot `t` (or none for -1) for a finding (texts made or read back in result()). */
  private events(t: number): Ev[] {
    const out: Ev[] = [];
    const sl = this.slots;
    if (t >= 0)
      for (let e = t * sl.per, end = e + sl.count[t]!; e < end; e += 1)
        out.push({ line: sl.line[e]!, text: sl.texts[e], at: sl.at[e]!, len: sl.len[e]! });
    return out;
  }

  private setLastLogin(t: number): void {
    this.slots.retain(t);
    if (this.lastLogin >= 0) this.slots.release(this.lastLogin);
    this.lastLogin = t;
  }

  private timeline(sig: Signature, c: PositionalPattern, gi: GroupIndex, m: RegExpExecArray, lineNo: number, text: string): void {
    const sl = this.slots;
    const g = (name: keyof GroupIndex): string | undefined => group(c, m, gi[name], name);
    switch (sig.event) {
      case 'login': {
        const req = own(g('req') ?? g('req2') ?? '?');
        let t = this.logins.get(req);
        const fresh = t < 0;
        if (fresh) {
          t = sl.alloc();
          sl.req[t] = req;
          this.evictedLogins += this.logins.set(req, t);
        }
        this.push(t, lineNo, text);
        this.setLastLogin(t);
        if (fresh) sl.release(t);
        return;
      }
      case 'guest-created': {
        const fresh = this.lastLogin < 0;
        const t = fresh ? sl.alloc() : this.lastLogin;
        const u = g('user');
        const user = u === undefined ? undefined : own(u);
        sl.user[t] = user;
        this.push(t, lineNo, text);
        if (user) this.evictedLogins += this.users.set(user, t);
        if (fresh) sl.release(t);
        return;
      }
      case 'login-ok': {
        const user = g('user');
        const t = user ? this.users.get(user) : -1;
        if (t >= 0) this.push(t, lineNo, text);
        return;
      }
      case 'allocated': {
        const call = own(g('call')!);
        const u = g('user');
        const user = u === undefined ? undefined : own(u);
        let login = user ? this.users.get(user) : -1;
        if (login < 0 && user) login = this.users.get(user.replace(/@.*$/, ''));
        // The call's story starts with its guest's login (its latest events, leaving room).
        const t = sl.alloc();
        if (user) sl.user[t] = user;
        let loginReq: string | undefined;
        if (login >= 0) {
          sl.copyTail(login, t, Math.max(0, Math.min(sl.count[login]!, this.limits.maxEventsPerCall - 4)));
          loginReq = sl.req[login];
        }
        this.push(t, lineNo, text);
        if (user) this.users.delete(user);
        // A claimed login is no longer open (ScanLimits.maxOpenLogins): it leaves the
        // map now instead of ageing out later, and is not counted as evicted.
        if (loginReq !== undefined && this.logins.get(loginReq) === login) this.logins.delete(loginReq);
        this.evictedCalls += this.calls.set(call, t);
        sl.release(t);
        return;
      }
      case 'media': {
        const t = this.calls.get(g('call')!);
        if (t >= 0) this.push(t, lineNo, text);
        return;
      }
      case 'teardown':
        this.calls.delete(g('call')!);
        return;
    }
  }

  private problem(i: number, sig: Signature, c: PositionalPattern, gi: GroupIndex, m: RegExpExecArray, lineNo: number, text: string): void {
    const keys = sig.key ?? [];
    let key = '';
    for (let k = 0; k < keys.length; k += 1) key = k === 0 ? (c.group(m, keys[0]!) ?? '') : `${key}\u0000${c.group(m, keys[k]!) ?? ''}`;
    let idx = keys.length === 0 ? this.soleAgg[i]! : (this.aggs[i]!.get(key) ?? -1);
    if (idx < 0) {
      idx = this.aggList.length;
      this.aggList.push({
        signature: sig,
        groups: c.groups(m, own),
        count: 0,
        firstLine: lineNo,
        lastLine: lineNo,
        samples: [],
        calls: [],
        timelines: [],
      });
      this.pendingLine.push(0);
      this.pendingText.push('');
      if (keys.length === 0) this.soleAgg[i] = idx;
      else this.aggs[i]!.set(own(key), idx);
    }
    const a = this.aggList[idx]!;
    a.count += 1;
    a.lastLine = lineNo;
    // The first two and the latest (pending until the block is done).
    if (a.samples.length < SAMPLES - 1) a.samples.push({ line: lineNo, text: own(clip(text)) });
    else {
      if (this.pendingLine[idx] === 0) this.unsettled.push(idx);
      this.pendingLine[idx] = lineNo;
      this.pendingText[idx] = text;
    }
    const call = group(c, m, gi.call, 'call');
    if (call !== undefined) {
      if (a.calls.length < MAX_CALLS_LISTED && !a.calls.includes(call)) a.calls.push(own(call));
      if (a.timelines.length < MAX_TIMELINES) {
        const open = this.calls.get(call);
        a.timelines.push({
          call: own(call),
          ...(open >= 0 && this.slots.user[open] ? { user: this.slots.user[open] } : {}),
          events: [
            ...this.events(open),
            this.lazy
              ? { line: lineNo, text: undefined, at: this.at, len: this.len }
              : { line: lineNo, text: own(clip(text)), at: -1, len: 0 },
          ] as unknown as LineRef[],
        });
      }
    }
  }

  /** Makes every pending latest line a sample of its own text (call before the scanned block goes away). */
  settle(): void {
    for (const idx of this.unsettled) {
      this.aggList[idx]!.samples[SAMPLES - 1] = { line: this.pendingLine[idx]!, text: own(clip(this.pendingText[idx]!)) };
      this.pendingLine[idx] = 0;
      this.pendingText[idx] = '';
    }
    this.unsettled.length = 0;
  }

  /** The text of a timeline event, read back from the file if it was left there. */
  private textOf(e: Ev): string {
    if (e.text !== undefined) return e.text;
    let text: string;
    try {
      const b = this.reader!(e.at, Math.min(e.len, READ_BACK));
      text = b.toString('latin1');
      if (NON_ASCII.test(text)) text = b.toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
    } catch {
      text = '(line could not be read back)';
    }
    return own(clip(text));
  }

  result(): ScanResult {
    this.settle();
    // Timelines hold events until here; their texts are made (or read back) once.
    for (const a of this.aggList)
      for (const t of a.timelines) t.events = (t.events as unknown as Ev[]).map((e) => ({ line: e.line, text: this.textOf(e) }));
    return {
      lines: this.lines,
      aggregates: [...this.aggList],
      evictedCalls: this.evictedCalls,
      evictedLogins: this.evictedLogins,
      overlongLines: this.overlongLines,
      bytes: this.bytes,
    };
  }
}

/** Scans lines from any (async) iterable, e.g. TriageFile.lines(). */
export async function scanLines(
  lines: AsyncIterable<string> | Iterable<string>,
  scanner = new LogScanner(),
  signal?: AbortSignal,
): Promise<ScanResult> {
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if ((n & 0xfff) === 0) {
      if (signal?.aborted) throw signal.reason;
      scanner.settle();
    }
    scanner.bytes += line.length + 1;
    if (line.length > MAX_LINE) scanner.overlongLines += 1;
    scanner.line(line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line, n);
  }
  scanner.lines = n;
  return scanner.result();
}

/** Longest partial line carried between chunks; longer lines are scanned in pieces and counted. */
const MAX_CARRY = 256 * 1024;
/** Longest line text matched against the signatures (only its start is scanned). */
const MAX_LINE = 64 * 1024;
const NL = 0x0a;
/** Bytes of whole lines scanned as one block. */
const PIECE = 64 * 1024;

/**
 * The fast path: scans a byte stream without decoding it line by line. All prefilter
 * anchors are found in one pass over the raw bytes (LiteralSearch), and only lines
 * holding one are cut out and matched against the signatures that anchor leads to.
 * Memory: one chunk, a carry of one partial line, and the scanner's bounded state.
 * The chunk may be reused by the producer once the next one is asked for.
 */
/** Longest stretch of scanning between two turns of the event loop. */
const YIELD_MS = 20;

export async function scanStream(
  chunks: AsyncIterable<Buffer | Uint8Array>,
  scanner = new LogScanner(),
  signal?: AbortSignal,
): Promise<ScanResult> {
  let carry: Buffer | undefined;
  let carryAt = 0; // byte offset of `carry` in the stream
  let offset = 0; // byte offset of the current chunk
  let lineNo = 1; // number of the line `carry` (or the next block) starts
  let overlong = false;
  let lastTurn = performance.now();
  for await (const raw of chunks) {
    // Give timers a turn every YIELD_MS even when chunks come without waiting (page cache,
    // a starved process): the deadline's AbortSignal.timeout can only fire between turns.
    if (performance.now() - lastTurn > YIELD_MS) {
      await new Promise(setImmediate);
      lastTurn = performance.now();
    }
    if (signal?.aborted) throw signal.reason;
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const at = offset;
    offset += chunk.length;
    scanner.bytes += chunk.length;
    const firstNl = chunk.indexOf(NL);
    if (firstNl < 0) {
      if (!carry) carryAt = at;
      carry = carry ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
      if (carry.length > MAX_CARRY) {
        // A line without end (binary junk, a minified blob): scan what we have, drop it.
        scanBlock(carry, lineNo, scanner, carryAt);
        if (!overlong) scanner.overlongLines += 1;
        overlong = true;
        carry = undefined;
      }
      continue;
    }
    // The carried partial line ends in this chunk: scan it on its own (a small copy)...
    const head = chunk.subarray(0, firstNl + 1);
    lineNo = carry ? scanBlock(Buffer.concat([carry, head]), lineNo, scanner, carryAt) : scanBlock(head, lineNo, scanner, at);
    carry = undefined;
    overlong = false;
    // ...then the whole lines of the chunk in place, without copying.
    const lastNl = chunk.lastIndexOf(NL);
    for (let from = firstNl + 1; from <= lastNl;) {
      // Line-aligned pieces of about PIECE bytes: their latin1 strings stay small
      // young-generation strings instead of one large external string per chunk.
      let to = from + PIECE >= lastNl ? lastNl : chunk.lastIndexOf(NL, from + PIECE - 1);
      if (to < from) to = chunk.indexOf(NL, from + PIECE);
      lineNo = scanBlock(chunk.subarray(from, to + 1), lineNo, scanner, at + from);
      from = to + 1;
    }
    if (lastNl + 1 < chunk.length) {
      carry = Buffer.from(chunk.subarray(lastNl + 1));
      carryAt = at + lastNl + 1;
    }
  }
  if (carry && carry.length > 0) {
    scanBlock(carry, lineNo, scanner, carryAt);
    lineNo += 1;
  }
  scanner.lines = lineNo - 1;
  return scanner.result();
}

/**
 * Scans the lines of `block` (whole lines, the last possibly without its '\n'; `at`
 * is its byte offset in the stream); returns the number of the line after the last
 * '\n'. Candidate lines come from anchor hits; line numbers from counting newlines
 * only up to each hit.
 */
function scanBlock(block: Buffer, firstLine: number, scanner: LogScanner, at: number): number {
  const search = scanner.search;
  const nHits = search.scan(block, 0, block.length);
  // One latin1 view of the bytes (1:1, never fails on junk): line ends and line
  // numbers are JIT-compiled string searches rather than a native call each.
  const s = (block as LatinBuffer).latin1Slice(0, block.length);
  const ascii = nHits === 0 || isAscii(block);
  const pos = search.hitPos;
  const anchor = search.hitAnchor;
  let line = firstLine; // the number of the line starting at `start`
  let start = 0;
  let h = 0;
  // Walk the lines in order, one search for each line end, up to the last hit.
  while (h < nHits) {
    const p = pos[h]!;
    let end = s.indexOf('\n', start);
    while (end >= 0 && end < p) {
      line += 1;
      start = end + 1;
      end = s.indexOf('\n', start);
    }
    if (end < 0) end = s.length;
    // Every hit inside this line adds its anchor to the line's mask.
    let mask = 0;
    while (h < nHits && pos[h]! < end) {
      mask |= 1 << Math.min(anchor[h]!, 31);
      h += 1;
    }
    const stop = Math.min(end, start + MAX_LINE);
    // Without its '\r' (a byte of its own in UTF-8 too).
    const cut = stop > start && s.charCodeAt(stop - 1) === 13 ? stop - 1 : stop;
    let text = s.slice(start, cut);
    // Non-ASCII bytes: decode the line properly as UTF-8.
    if (!ascii && NON_ASCII.test(text)) text = block.toString('utf8', start, cut);
    if (end - start > MAX_LINE) scanner.overlongLines += 1;
    scanner.line(text, line, mask, at + start, stop - start);
    if (end === s.length) {
      start = end;
      break;
    }
    line += 1;
    start = end + 1;
  }
  for (let i = s.indexOf('\n', start); i >= 0; i = s.indexOf('\n', i + 1)) line += 1;
  scanner.settle();
  return line;
}
const NON_ASCII = /[\x80-\xff]/;
/** Buffer's own latin1 decoder (what toString('latin1') calls, minus the argument checks). */
type LatinBuffer = Buffer & { latin1Slice(start: number, end: number): string };

/** Bytes read at a time by scanFile. */
const READ_CHUNK = 1024 * 1024;

/**
 * A file's bytes in READ_CHUNK pieces, two buffers taking turns so the next read
 * runs while the current piece is scanned (a piece is valid until the next is asked for).
 */
async function* readPieces(fh: FileHandle, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const bufs = [Buffer.allocUnsafe(READ_CHUNK), Buffer.allocUnsafe(READ_CHUNK)];
  let turn = 0;
  let next = fh.read(bufs[0]!, 0, READ_CHUNK, null);
  try {
    for (;;) {
      const { bytesRead } = await next;
      if (bytesRead === 0) return;
      if (signal?.aborted) throw signal.reason;
      const current = bufs[turn]!.subarray(0, bytesRead);
      turn ^= 1;
      next = fh.read(bufs[turn]!, 0, READ_CHUNK, null);
      yield current;
    }
  } finally {
    await next.catch(() => undefined); // never close under a read in flight
  }
}

/**
 * Scans a file on disk through the fast path, 1 MiB at a time. Timeline lines are
 * remembered by position and read back from the file only for the findings that
 * show them (the file must not change during the scan: triage inputs do not).
 */
export async function scanFile(path: string, scanner = new LogScanner(), signal?: AbortSignal): Promise<ScanResult> {
  const fh = await open(path, 'r');
  try {
    scanner.reader = (at, len) => {
      const b = Buffer.alloc(len);
      return b.subarray(0, readSync(fh.fd, b, 0, len, at));
    };
    return await scanStream(readPieces(fh, signal), scanner, signal);
  } finally {
    scanner.reader = undefined;
    await fh.close();
  }
}

const fill = (template: string, a: Aggregate): string =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => (k === 'count' ? String(a.count) : (a.groups[k] ?? '')));

/** Findings from a scan of one file; `self` is the log check's own code for info findings. */
export function scanFindings(self: string, file: string, r: ScanResult): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const a of r.aggregates) {
    const sig = a.signature;
    const evidence: Evidence[] = [
      {
        kind: 'log-lines',
        file,
        signature: sig.id,
        count: a.count,
        firstLine: a.firstLine,
        lastLine: a.lastLine,
        lines: a.samples.map((s) => ({ line: s.line, text: s.text })),
        source: sig.source,
      },
    ];
    for (const t of a.timelines)
      evidence.push({
        kind: 'call-timeline',
        file,
        call: t.call,
        user: t.user ?? null,
        events: t.events.map((e) => ({ line: e.line, text: e.text, parsed: parseLogLine(e.text).timestamp ?? null })),
      });
    if (a.timelines.length > 0 && (r.evictedCalls > 0 || r.evictedLogins > 0))
      evidence.push({
        kind: 'correlation-bounded',
        evictedCalls: r.evictedCalls,
        evictedLogins: r.evictedLogins,
        note: 'older open calls/logins were evicted; a timeline may miss its start',
      });
    const where = a.count === 1 ? `${file}:${a.firstLine}` : `${file}:${a.firstLine}-${a.lastLine}`;
    const calls = a.calls.length > 0 ? ` Calls: ${a.calls.join(', ')}${a.calls.length >= MAX_CALLS_LISTED ? ', …' : ''}.` : '';
    const bounded =
      r.evictedCalls > 0
        ? ` Call correlation was bounded: ${r.evictedCalls} older open call(s) were evicted, so a timeline may start late.`
        : '';
    const what = `${fill(sig.title ?? sig.id, a)}${a.count > 1 ? ` ×${a.count}` : ''}`;
    const detail = `${a.count} line(s), first at line ${a.firstLine}, last at line ${a.lastLine}.${calls}${bounded}`;
    // Problem signatures emit through their code's table entry; notes keep the log check's own code.
    if (sig.code !== undefined && sig.code !== 'self' && sig.status !== undefined && sig.status !== 'info')
      out.push(emit(sig.code, { subject: where, detail: `${what}: ${detail}`, evidence, status: sig.status, fixes: sig.fixes ?? [] }));
    else
      out.push({
        code: self,
        status: (sig.status ?? 'info') as Status,
        title: what,
        detail,
        subject: where,
        evidence,
        basis: sig.basis,
      });
  }
  return out;
}
