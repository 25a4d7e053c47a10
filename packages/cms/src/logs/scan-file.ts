/**
 * File I/O of the log scan: a file on disk (byte fast path) or lines from any iterable.
 * Design: docs/decisions/cms-log-scan-fast-path.md ("Reads").
 */
import { open, type FileHandle } from 'node:fs/promises';
import { readSync } from 'node:fs';
import { scanStream } from './byte-scan.js';
import { LogScanner } from './log-scanner.js';
import { MAX_LINE, type ScanResult } from './scan-result.js';

/** Bytes read at a time by scanFile. */
const READ_CHUNK = 1024 * 1024;
/** Lines between two checks of the signal (and settlings of pending samples) in scanLines. */
const LINES_PER_CHECK = 4096;

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

/** Scans lines from any (async) iterable, e.g. TriageFile.lines(). */
export async function scanLines(
  lines: AsyncIterable<string> | Iterable<string>,
  scanner = new LogScanner(),
  signal?: AbortSignal,
): Promise<ScanResult> {
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (n % LINES_PER_CHECK === 0) {
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
