/**
 * What a log scan produces and the bounds it keeps to. Design:
 * docs/decisions/cms-log-scan-fast-path.md.
 */
import type { Signature } from './signatures.js';

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
  /** Lines in the input (every line, matched or not). */
  lines: number;
  /** One per signature and key-group values seen, in order of first match. */
  aggregates: Aggregate[];
  evictedCalls: number;
  evictedLogins: number;
  /** Lines longer than the scanner keeps (only their start is scanned). */
  overlongLines: number;
  bytes: number;
}

/** Longest line text matched against the signatures (only its start is scanned). */
export const MAX_LINE = 64 * 1024;
/** Longest line text kept as evidence. */
export const MAX_EVIDENCE_LINE = 600;

export const clip = (s: string): string => (s.length > MAX_EVIDENCE_LINE ? `${s.slice(0, MAX_EVIDENCE_LINE)}…` : s);

/**
 * V8 makes a sliced string (a view that keeps its parent alive) only for slices of
 * at least this many characters (`SlicedString::kMinLength`); shorter ones are copied.
 */
const V8_MIN_SLICE = 13;
/**
 * A copy of `s` that holds no reference to the string it was cut from. A slice of a
 * 64 KiB piece keeps the whole piece alive (V8 sliced strings), so every text the
 * scanner keeps past the piece goes through here; concatenating and slicing again
 * makes V8 copy the characters into a string of their own.
 */
export const own = (s: string): string => (s.length < V8_MIN_SLICE ? s : ` ${s}`.slice(1));
