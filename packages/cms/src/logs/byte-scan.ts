/**
 * The byte-level fast path: a byte stream scanned without decoding it line by line.
 * Design: docs/decisions/cms-log-scan-fast-path.md.
 */
import { isAscii } from 'node:buffer';
import { maskBit } from './anchors.js';
import { LogScanner } from './log-scanner.js';
import { MAX_LINE, type ScanResult } from './scan-result.js';

/** Longest partial line carried between chunks; longer lines are scanned in pieces and counted. */
const MAX_CARRY = 256 * 1024;
const NL = 0x0a;
const CR = 0x0d;
/** Bytes of whole lines scanned as one block. */
const PIECE = 64 * 1024;
/** Longest stretch of scanning between two turns of the event loop. */
const YIELD_MS = 20;
const NON_ASCII = /[\x80-\xff]/;

/** Buffer's own latin1 decoder (what toString('latin1') calls, minus the argument checks). */
interface LatinBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
}

/**
 * All prefilter anchors are found in one pass over the raw bytes (LiteralSearch), and
 * only lines holding one are cut out and matched against the signatures that anchor
 * leads to. Memory: one chunk, a carry of one partial line, and the scanner's bounded
 * state. The chunk may be reused by the producer once the next one is asked for.
 */
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
      mask |= maskBit(anchor[h]!);
      h += 1;
    }
    const stop = Math.min(end, start + MAX_LINE);
    // Without its '\r' (a byte of its own in UTF-8 too).
    const cut = stop > start && s.charCodeAt(stop - 1) === CR ? stop - 1 : stop;
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
