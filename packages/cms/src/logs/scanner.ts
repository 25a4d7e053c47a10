import { createReadStream } from 'node:fs';
import type { Evidence, FindingDraft, Status } from '@cms-doctor/core';
import { SIGNATURES, type Signature } from './signatures.js';
import { parseLogLine } from './line.js';

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

interface OpenThing {
  user?: string;
  events: LineRef[];
}

const clip = (s: string): string => (s.length > MAX_EVIDENCE_LINE ? `${s.slice(0, MAX_EVIDENCE_LINE)}…` : s);

/**
 * The streaming signature scan. Feed it lines (in any order of files, one file per
 * scanner) and read the aggregates: repeated lines fold into one aggregate with a
 * count and first/last line numbers, and a problem that names a call carries that
 * call's timeline from guest login. State is bounded by `limits`.
 */
export class LogScanner {
  private readonly aggs = new Map<string, Aggregate>();
  private readonly calls = new Map<string, OpenThing>();
  private readonly logins = new Map<string, OpenThing>();
  private readonly users = new Map<string, OpenThing>();
  private lastLogin: OpenThing | undefined;
  evictedCalls = 0;
  evictedLogins = 0;
  overlongLines = 0;
  lines = 0;
  bytes = 0;
  /**
   * The byte prefilter: the catalogue's anchors minus those that contain another
   * anchor (a line holding the longer one holds the shorter), so the byte scan makes
   * as few passes as possible. `masks[i]` says which prefilter anchors lead to signature i.
   */
  readonly prefilter: readonly string[];
  /** The prefilter anchors as latin1 strings of their UTF-8 bytes (what scanBlock searches). */
  readonly prefilterLatin1: readonly string[];
  private readonly masks: readonly number[];
  constructor(private readonly limits: ScanLimits = DEFAULT_LIMITS, private readonly signatures: readonly Signature[] = SIGNATURES) {
    const all = [...new Set(signatures.flatMap((sg) => sg.anchors))];
    this.prefilter = all.filter((a) => !all.some((b) => b !== a && a.includes(b))).slice(0, 30);
    this.prefilterLatin1 = this.prefilter.map((a) => Buffer.from(a, 'utf8').toString('latin1'));
    this.masks = signatures.map((sg) => this.prefilter.reduce((m, p, i) => (sg.anchors.some((a) => a.includes(p)) ? m | (1 << i) : m), 0));
  }

  /** One line (1-based number). Cheap for lines that hold no anchor. */
  line(text: string, lineNo: number, prefilterMask = -1): void {
    for (let i = 0; i < this.signatures.length; i += 1) {
      const sig = this.signatures[i]!;
      if ((this.masks[i]! & prefilterMask) === 0) continue;
      if (!sig.anchors.some((a) => text.includes(a))) continue;
      const m = sig.pattern.exec(text);
      if (!m) continue;
      const g = (m.groups ?? {}) as Record<string, string | undefined>;
      if (sig.role === 'timeline') this.timeline(sig, g, { line: lineNo, text: clip(text) });
      else this.problem(sig, g, { line: lineNo, text: clip(text) });
    }
  }

  private bounded<V>(map: Map<string, V>, key: string, value: V, max: number): number {
    map.delete(key);
    map.set(key, value);
    let evicted = 0;
    while (map.size > max) {
      const oldest = map.keys().next().value as string;
      map.delete(oldest);
      evicted += 1;
    }
    return evicted;
  }

  private push(t: OpenThing, ref: LineRef): void {
    if (t.events.length < this.limits.maxEventsPerCall) t.events.push(ref);
    else t.events[t.events.length - 1] = ref; // keep the newest at the end
  }

  private timeline(sig: Signature, g: Record<string, string | undefined>, ref: LineRef): void {
    switch (sig.event) {
      case 'login': {
        const req = g['req'] ?? g['req2'] ?? '?';
        let t = this.logins.get(req);
        if (!t) {
          t = { events: [] };
          this.evictedLogins += this.bounded(this.logins, req, t, this.limits.maxOpenLogins);
        }
        this.push(t, ref);
        this.lastLogin = t;
        return;
      }
      case 'guest-created': {
        const t = this.lastLogin ?? { events: [] };
        t.user = g['user'];
        this.push(t, ref);
        if (g['user']) this.evictedLogins += this.bounded(this.users, g['user'], t, this.limits.maxOpenLogins);
        return;
      }
      case 'login-ok': {
        const t = g['user'] ? this.users.get(g['user']) : undefined;
        if (t) this.push(t, ref);
        return;
      }
      case 'allocated': {
        const call = g['call']!;
        const user = g['user'];
        const login = user ? (this.users.get(user) ?? this.users.get(user.replace(/@.*$/, ''))) : undefined;
        const t: OpenThing = { ...(user ? { user } : {}), events: [...(login?.events ?? []).slice(-(this.limits.maxEventsPerCall - 4)), ref] };
        if (user) this.users.delete(user);
        this.evictedCalls += this.bounded(this.calls, call, t, this.limits.maxOpenCalls);
        return;
      }
      case 'media': {
        const t = this.calls.get(g['call']!);
        if (t) this.push(t, ref);
        return;
      }
      case 'teardown':
        this.calls.delete(g['call']!);
        return;
    }
  }

  private problem(sig: Signature, g: Record<string, string | undefined>, ref: LineRef): void {
    const groups: Record<string, string> = {};
    for (const [k, v] of Object.entries(g)) if (v !== undefined) groups[k] = v;
    const key = `${sig.id}\u0000${(sig.key ?? []).map((k) => groups[k] ?? '').join('\u0000')}`;
    let a = this.aggs.get(key);
    if (!a) {
      a = { signature: sig, groups, count: 0, firstLine: ref.line, lastLine: ref.line, samples: [], calls: [], timelines: [] };
      this.aggs.set(key, a);
    }
    a.count += 1;
    a.lastLine = ref.line;
    if (a.samples.length < SAMPLES) a.samples.push(ref);
    else a.samples[SAMPLES - 1] = ref; // first two and the latest
    const call = groups['call'];
    if (call !== undefined) {
      if (a.calls.length < MAX_CALLS_LISTED && !a.calls.includes(call)) a.calls.push(call);
      const open = this.calls.get(call);
      if (a.timelines.length < MAX_TIMELINES) a.timelines.push({ call, ...(open?.user ? { user: open.user } : {}), events: [...(open?.events ?? []), ref] });
    }
  }

  result(): ScanResult {
    return { lines: this.lines, aggregates: [...this.aggs.values()], evictedCalls: this.evictedCalls, evictedLogins: this.evictedLogins, overlongLines: this.overlongLines, bytes: this.bytes };
  }
}

/** Scans lines from any (async) iterable, e.g. TriageFile.lines(). */
export async function scanLines(lines: AsyncIterable<string> | Iterable<string>, scanner = new LogScanner(), signal?: AbortSignal): Promise<ScanResult> {
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if ((n & 0xffff) === 0 && signal?.aborted) throw signal.reason;
    scanner.bytes += line.length + 1;
    if (line.length > 64 * 1024) scanner.overlongLines += 1;
    scanner.line(line.length > 64 * 1024 ? line.slice(0, 64 * 1024) : line, n);
  }
  scanner.lines = n;
  return scanner.result();
}

/** Longest partial line carried between chunks; longer lines are scanned in pieces and counted. */
const MAX_CARRY = 256 * 1024;
const MAX_LINE = 64 * 1024;
const NL = 0x0a;

/**
 * The fast path: scans a byte stream without decoding it. Prefilter anchors are found
 * in the raw bytes (Buffer.indexOf, a memmem), and only lines holding one are decoded
 * and matched against the signatures that anchor leads to. Memory: one chunk, a carry
 * of one partial line, and the scanner's bounded state.
 */
export async function scanStream(chunks: AsyncIterable<Buffer | Uint8Array>, scanner = new LogScanner(), signal?: AbortSignal): Promise<ScanResult> {
  const anchors = scanner.prefilter.map((a) => Buffer.from(a, 'utf8'));
  let carry: Buffer | undefined;
  let lineNo = 1; // number of the line `carry` (or the next block) starts
  let overlong = false;
  for await (const raw of chunks) {
    if (signal?.aborted) throw signal.reason;
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    scanner.bytes += chunk.length;
    const firstNl = chunk.indexOf(NL);
    if (firstNl < 0) {
      carry = carry ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
      if (carry.length > MAX_CARRY) {
        // A line without end (binary junk, a minified blob): scan what we have, drop it.
        scanBlock(carry, lineNo, anchors, scanner);
        if (!overlong) scanner.overlongLines += 1;
        overlong = true;
        carry = undefined;
      }
      continue;
    }
    // The carried partial line ends in this chunk: scan it on its own (a small copy)...
    if (carry) {
      lineNo = scanBlock(Buffer.concat([carry, chunk.subarray(0, firstNl + 1)]), lineNo, anchors, scanner);
      carry = undefined;
    } else if (overlong) {
      lineNo = scanBlock(chunk.subarray(0, firstNl + 1), lineNo, anchors, scanner);
    } else {
      lineNo = scanBlock(chunk.subarray(0, firstNl + 1), lineNo, anchors, scanner);
    }
    overlong = false;
    // ...then the whole lines of the chunk in place, without copying.
    const lastNl = chunk.lastIndexOf(NL);
    if (lastNl > firstNl) lineNo = scanBlock(chunk.subarray(firstNl + 1, lastNl + 1), lineNo, anchors, scanner);
    if (lastNl + 1 < chunk.length) carry = Buffer.from(chunk.subarray(lastNl + 1));
  }
  if (carry && carry.length > 0) {
    scanBlock(carry, lineNo, anchors, scanner);
    lineNo += 1;
  }
  scanner.lines = lineNo - 1;
  return scanner.result();
}

/**
 * Scans the lines of `block` (whole lines, the last possibly without its '\n');
 * returns the number of the line after the last '\n'. Candidate lines come from
 * anchor hits; line numbers from counting newlines only up to each hit.
 */
function scanBlock(block: Buffer, firstLine: number, anchors: readonly Buffer[], scanner: LogScanner): number {
  // One latin1 view of the bytes (1:1, never fails on junk) makes every search a
  // JIT-compiled string search instead of a native call per hit and per newline.
  const s = block.toString('latin1');
  const keys = scanner.prefilterLatin1;
  let nHits = 0;
  let hits = new Float64Array(64);
  for (let k = 0; k < keys.length; k += 1) {
    const a = keys[k]!;
    for (let i = s.indexOf(a); i >= 0; i = s.indexOf(a, i + a.length)) {
      if (nHits === hits.length) {
        const bigger = new Float64Array(hits.length * 2);
        bigger.set(hits);
        hits = bigger;
      }
      hits[nHits++] = i * 32 + k; // position and anchor in one sortable number
    }
  }
  let line = firstLine;
  let counted = 0; // newlines before this offset are counted
  if (nHits > 0) {
    const sorted = hits.subarray(0, nHits).sort();
    let h = 0;
    while (h < nHits) {
      const pos = Math.floor(sorted[h]! / 32);
      const start = pos === 0 ? 0 : s.lastIndexOf('\n', pos - 1) + 1;
      let end = s.indexOf('\n', pos);
      if (end < 0) end = s.length;
      // Every hit inside this line adds its anchor to the line's mask.
      let mask = 0;
      while (h < nHits && sorted[h]! < end * 32) {
        mask |= 1 << (sorted[h]! % 32);
        h += 1;
      }
      for (let i = s.indexOf('\n', counted); i >= 0 && i < start; i = s.indexOf('\n', i + 1)) {
        line += 1;
        counted = i + 1;
      }
      counted = Math.max(counted, start);
      const stop = Math.min(end, start + MAX_LINE);
      let text = s.slice(start, stop);
      // Non-ASCII bytes: decode the line properly as UTF-8.
      if (NON_ASCII.test(text)) text = block.toString('utf8', start, stop);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (end - start > MAX_LINE) scanner.overlongLines += 1;
      scanner.line(text, line, mask);
    }
  }
  for (let i = s.indexOf('\n', counted); i >= 0; i = s.indexOf('\n', i + 1)) line += 1;
  return line;
}
const NON_ASCII = /[\x80-\xff]/;

/** Scans a file on disk through the fast path, 1 MiB at a time. */
export function scanFile(path: string, scanner = new LogScanner(), signal?: AbortSignal): Promise<ScanResult> {
  return scanStream(createReadStream(path, { highWaterMark: 1024 * 1024, ...(signal ? { signal } : {}) }), scanner, signal);
}

const fill = (template: string, a: Aggregate): string =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => (k === 'count' ? String(a.count) : (a.groups[k] ?? '')));

/** Findings from a scan of one file; `self` is the log check's own code for info findings. */
export function scanFindings(self: string, file: string, r: ScanResult): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const a of r.aggregates) {
    const sig = a.signature;
    const evidence: Evidence[] = [
      { kind: 'log-lines', file, signature: sig.id, count: a.count, firstLine: a.firstLine, lastLine: a.lastLine, lines: a.samples.map((s) => ({ line: s.line, text: s.text })), source: sig.source },
    ];
    for (const t of a.timelines) evidence.push({ kind: 'call-timeline', file, call: t.call, user: t.user ?? null, events: t.events.map((e) => ({ line: e.line, text: e.text, parsed: parseLogLine(e.text).timestamp ?? null })) });
    if (a.timelines.length > 0 && (r.evictedCalls > 0 || r.evictedLogins > 0))
      evidence.push({ kind: 'correlation-bounded', evictedCalls: r.evictedCalls, evictedLogins: r.evictedLogins, note: 'older open calls/logins were evicted; a timeline may miss its start' });
    const where = a.count === 1 ? `${file}:${a.firstLine}` : `${file}:${a.firstLine}-${a.lastLine}`;
    const calls = a.calls.length > 0 ? ` Calls: ${a.calls.join(', ')}${a.calls.length >= MAX_CALLS_LISTED ? ', …' : ''}.` : '';
    const bounded = r.evictedCalls > 0 ? ` Call correlation was bounded: ${r.evictedCalls} older open call(s) were evicted, so a timeline may start late.` : '';
    out.push({
      code: sig.code === 'self' || sig.code === undefined ? self : sig.code,
      status: (sig.status ?? 'info') as Status,
      title: `${fill(sig.title ?? sig.id, a)}${a.count > 1 ? ` ×${a.count}` : ''}`,
      detail: `${a.count} line(s), first at line ${a.firstLine}, last at line ${a.lastLine}.${calls}${bounded}`,
      subject: where,
      evidence,
      fixes: [...(sig.fixes ?? [])],
      basis: sig.basis,
    });
  }
  return out;
}
