/**
 * Anchors: the literals every line a signature matches must hold, used as the byte
 * prefilter. Design: docs/decisions/cms-log-scan-fast-path.md ("One pass for every anchor").
 */
import type { Signature } from './signatures.js';

export const foldAscii = (s: string): string => s.replace(/[A-Z]+/g, (x) => x.toLowerCase());

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
 * A line's prefilter mask has one bit per prefilter anchor; anchors from this index on
 * share the last bit (a 32-bit integer), so a line with that bit set is rechecked.
 */
export const LAST_MASK_BIT = 31;
/** The mask bit of prefilter anchor `k`. */
export const maskBit = (k: number): number => 1 << Math.min(k, LAST_MASK_BIT);
/** The mask of a line scanned without the byte prefilter: every signature is tried. */
export const ALL_ANCHORS = -1;
