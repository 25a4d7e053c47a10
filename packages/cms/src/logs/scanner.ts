/**
 * The CMS log scan, by concept (design: docs/decisions/cms-log-scan-fast-path.md):
 * - `log-scanner.ts`: matching lines against the signatures and aggregating them;
 * - `timelines.ts`: the bounded per-call correlation (guest login to failure);
 * - `byte-scan.ts`: the byte-level fast path (one anchor pass, only candidate lines decoded);
 * - `scan-file.ts`: file I/O (and scanning lines from any iterable);
 * - `scan-findings.ts`: aggregates to findings;
 * - `scan-result.ts`, `anchors.ts`: the result types and limits, the prefilter anchors.
 */
export { LogScanner } from './log-scanner.js';
export { scanStream } from './byte-scan.js';
export { scanFile, scanLines } from './scan-file.js';
export { scanFindings } from './scan-findings.js';
export { hasAnchor, minimalAnchors } from './anchors.js';
export type { LineReader } from './timelines.js';
export { DEFAULT_LIMITS, type Aggregate, type CallTimeline, type LineRef, type ScanLimits, type ScanResult } from './scan-result.js';
