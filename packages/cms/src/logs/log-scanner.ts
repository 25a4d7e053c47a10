/**
 * Matching and aggregation: the signature catalogue applied to one line at a time,
 * repeated lines folded into aggregates. Design: docs/decisions/cms-log-scan-fast-path.md.
 * The byte-level fast path that feeds it is `byte-scan.ts`; timelines are `timelines.ts`.
 */
import { ALL_ANCHORS, LAST_MASK_BIT, foldAscii, maskBit, minimalAnchors } from './anchors.js';
import { LiteralSearch } from './literal-search.js';
import { positional, type PositionalPattern } from './positional.js';
import { clip, DEFAULT_LIMITS, own, type Aggregate, type ScanLimits, type ScanResult } from './scan-result.js';
import { SIGNATURES, type Signature } from './signatures.js';
import { CallTimelines, settleTimeline, type LineReader, type PendingTimeline, type TimelineGroup } from './timelines.js';

/** Samples kept per aggregate: the first SAMPLES - 1 lines and the latest. */
const SAMPLES = 3;
/** Timelines kept per aggregate (the first calls it names). */
const MAX_TIMELINES = 3;
/** Calls listed per aggregate. */
export const MAX_CALLS_LISTED = 20;

/** An aggregate while the scan runs: its timelines' lines may still be in the file. */
type OpenAggregate = Omit<Aggregate, 'timelines'> & { timelines: PendingTimeline[] };

type GroupIndex = Readonly<Record<TimelineGroup, number>>;
/** Whether `text` holds one of `anchors` (a loop: no closure per line, as `some` would make). */
function holdsAny(text: string, anchors: readonly string[]): boolean {
  for (let k = 0; k < anchors.length; k += 1) if (text.includes(anchors[k]!)) return true;
  return false;
}
/** A named group of a match, by the index PositionalPattern.index gave for it. */
const group = (c: PositionalPattern, m: RegExpExecArray, k: number, name: string): string | undefined =>
  k > 0 ? m[k] : k === 0 ? undefined : c.group(m, name);

/**
 * The named groups of the current timeline match, read by name through `get`: one
 * object and one function for the whole scan rather than a closure per matching line.
 * The match is dropped once the line is done (it would keep the scanned piece alive).
 */
class MatchGroups {
  c: PositionalPattern | undefined = undefined;
  m: RegExpExecArray | undefined = undefined;
  gi: GroupIndex | undefined = undefined;
  readonly get = (name: TimelineGroup): string | undefined =>
    this.m === undefined ? undefined : group(this.c!, this.m, this.gi![name], name);
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
  private readonly aggList: OpenAggregate[] = [];
  private readonly timelines: CallTimelines;
  private readonly current = new MatchGroups();
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
  overlongLines = 0;
  lines = 0;
  bytes = 0;
  /**
   * The byte prefilter: the catalogue's anchors minus those that contain another,
   * searched in one pass ignoring ASCII case. `maskBit(k)` of a line's mask says
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
  /** Set by scanFile: timeline lines are then read back from the file, not copied. */
  reader: LineReader | undefined;
  constructor(
    limits: ScanLimits = DEFAULT_LIMITS,
    private readonly signatures: readonly Signature[] = SIGNATURES,
  ) {
    this.timelines = new CallTimelines(limits);
    this.prefilter = minimalAnchors(signatures.flatMap((sg) => sg.anchors));
    this.search = new LiteralSearch(this.prefilter);
    const folded = this.prefilter.map(foldAscii);
    this.masks = signatures.map((sg) =>
      folded.reduce((m, p, k) => (sg.anchors.some((a) => foldAscii(a).includes(p)) ? m | maskBit(k) : m), 0),
    );
    // A shared last bit may stand for another signature's anchor: never direct.
    this.direct = signatures.map((sg) =>
      folded.reduce((m, p, k) => (k < LAST_MASK_BIT && sg.anchors.some((a) => foldAscii(a) === p) ? m | maskBit(k) : m), 0),
    );
    this.caseless = signatures.map((sg) => sg.pattern.flags.includes('i'));
    this.lowerAnchors = signatures.map((sg) => sg.anchors.map((a) => a.toLowerCase()));
    this.compiled = signatures.map((sg) => positional(sg.pattern));
    this.aggs = signatures.map(() => new Map());
    this.soleAgg = signatures.map(() => -1);
    this.gi = this.compiled.map((c) => ({ call: c.index('call'), user: c.index('user'), req: c.index('req'), req2: c.index('req2') }));
  }

  get evictedCalls(): number {
    return this.timelines.evictedCalls;
  }
  get evictedLogins(): number {
    return this.timelines.evictedLogins;
  }

  /**
   * One line (1-based number). `prefilterMask` comes from the byte scan (which anchors
   * the line holds); without it every signature's anchors are checked here. `at` and
   * `len` are where the line sits in the file (byte scan only; -1 otherwise).
   */
  line(text: string, lineNo: number, prefilterMask = ALL_ANCHORS, at = -1, len = 0): void {
    const tl = this.timelines;
    tl.at = at;
    tl.len = len;
    tl.lazy = this.reader !== undefined && at >= 0;
    const plan = this.plans.get(prefilterMask) ?? this.plan(prefilterMask);
    let lower: string | undefined;
    for (let x = 0; x < plan.length; x += 1) {
      const i = plan[x]! >> 1;
      if ((plan[x]! & 1) === 1) {
        if (this.caseless[i]) {
          lower ??= text.toLowerCase();
          if (!holdsAny(lower, this.lowerAnchors[i]!)) continue;
        } else if (!holdsAny(text, this.signatures[i]!.anchors)) continue;
      }
      const sig = this.signatures[i]!;
      const c = this.compiled[i]!;
      const m = c.re.exec(text);
      if (!m) continue;
      const gi = this.gi[i]!;
      if (sig.role === 'timeline') {
        const g = this.current;
        g.c = c;
        g.m = m;
        g.gi = gi;
        tl.event(sig.event, g.get, lineNo, text);
        g.m = undefined;
      } else this.problem(i, sig, c, gi, m, lineNo, text);
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
      out.push(2 * i + (mask === ALL_ANCHORS || (this.direct[i]! & mask) === 0 ? 1 : 0));
    });
    const plan = Int32Array.from(out);
    this.plans.set(mask, plan);
    return plan;
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
      if (a.timelines.length < MAX_TIMELINES) a.timelines.push(this.timelines.timelineOf(call, lineNo, text));
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

  result(): ScanResult {
    this.settle();
    // Timelines hold positions until here; their texts are made (or read back) once.
    const aggregates: Aggregate[] = this.aggList.map((a) => ({ ...a, timelines: a.timelines.map((t) => settleTimeline(t, this.reader)) }));
    return {
      lines: this.lines,
      aggregates,
      evictedCalls: this.evictedCalls,
      evictedLogins: this.evictedLogins,
      overlongLines: this.overlongLines,
      bytes: this.bytes,
    };
  }
}
