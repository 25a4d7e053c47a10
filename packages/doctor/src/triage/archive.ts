import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, sep } from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { ExtractionBudget } from './budget.js';
import { forgetTemp, rememberTemp } from './temp-registry.js';

export type ArchiveKind = 'tar' | 'tar.gz' | 'gzip' | 'zip';

/** Recognised by magic bytes, never by file name. */
export function archiveKindOf(head: Uint8Array): ArchiveKind | undefined {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip';
  if (head[0] === 0x1f && head[1] === 0x8b) {
    // Look inside: a gzip whose first member is a tar header is a tarball. Only the first
    // 4 KiB are inflated: the whole head of a bomb would inflate to tens of megabytes.
    try {
      const inner = gunzipSync(head.subarray(0, 4096), { finishFlush: 2 /* Z_SYNC_FLUSH: a truncated head is expected */ });
      if (inner.length >= 262 && inner.subarray(257, 262).toString('latin1') === 'ustar') return 'tar.gz';
    } catch {
      // Corrupt gzip: treated as plain gzip; extraction reports the error.
    }
    return 'gzip';
  }
  if (head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}

/** Member paths that would escape the extraction folder are refused. */
function safeJoin(root: string, member: string): string | undefined {
  const clean = normalize(member).replace(/^([/\\])+/, '');
  if (clean === '' || clean === '.' || clean.startsWith('..') || clean.split(sep).includes('..')) return undefined;
  return join(root, clean);
}

export class Extraction {
  constructor(readonly dir: string) {
    rememberTemp(dir);
  }
  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
    forgetTemp(this.dir);
  }
}

export async function makeWorkDir(): Promise<Extraction> {
  return new Extraction(await mkdtemp(join(tmpdir(), 'cms-doctor-triage-')));
}

/** What one extraction did. Members written before a stop stay on disk and are read. */
export interface ExtractResult {
  /** Members not extracted, with the reason. */
  skipped: string[];
  /** Members written. */
  members: number;
  /** Why extraction stopped early: a run limit or the deadline. */
  stopped?: string;
  /** The archive is truncated or corrupt after `members` members. */
  broken?: string;
}

/** A run limit reached while writing: stops the whole archive, not just one member. */
class StopExtraction extends Error {}

/** Counts every byte written against the run's budget, so a lying size header gains nothing. */
function metered(budget: ExtractionBudget): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void) {
      if (!budget.takeBytes(chunk.length)) cb(new StopExtraction(budget.bytesReached()));
      else cb(null, chunk);
    },
  });
}

async function writeMember(source: Readable, target: string, budget: ExtractionBudget): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  // 'wx': a second member of the same name does not write through the first one's file.
  await pipeline(source, metered(budget), createWriteStream(target, { flags: 'wx' }));
}

const DEADLINE = 'the deadline was reached during extraction';

/**
 * Unpacks an archive into `into`, streaming: memory stays bounded whatever the ratio.
 * Entries and bytes are drawn from the run's `budget`; `signal` (the run's deadline)
 * stops it. Never throws for a bad archive: what was read so far is kept and the
 * result says why it ended.
 */
export async function extract(
  kind: ArchiveKind,
  file: string,
  name: string,
  into: string,
  budget: ExtractionBudget,
  signal?: AbortSignal,
): Promise<ExtractResult> {
  if (signal?.aborted) return { skipped: [], members: 0, stopped: DEADLINE };
  if (kind === 'gzip') return extractGzip(file, name, into, budget, signal);
  if (kind === 'zip') return extractZip(file, into, budget, signal);
  return extractTar(kind === 'tar.gz', file, into, budget, signal);
}

async function extractGzip(
  file: string,
  name: string,
  into: string,
  budget: ExtractionBudget,
  signal?: AbortSignal,
): Promise<ExtractResult> {
  // A plain .gz (not a tarball): one member, named after the file.
  const out = join(into, name.replace(/\.gz$/i, '') || 'decompressed');
  if (!budget.takeEntry()) return { skipped: [], members: 0, stopped: budget.entriesReached() };
  try {
    await pipeline(
      createReadStream(file),
      createGunzip(),
      metered(budget),
      createWriteStream(out, { flags: 'wx' }),
      signal ? { signal } : {},
    );
    return { skipped: [], members: 1 };
  } catch (e) {
    if (signal?.aborted) return { skipped: [], members: 1, stopped: DEADLINE };
    if (e instanceof StopExtraction) return { skipped: [], members: 1, stopped: e.message };
    return { skipped: [], members: 1, broken: (e as Error).message };
  }
}

async function extractTar(gz: boolean, file: string, into: string, budget: ExtractionBudget, signal?: AbortSignal): Promise<ExtractResult> {
  const { Parser } = await import('tar');
  const result: ExtractResult = { skipped: [], members: 0 };
  const writes: Promise<void>[] = [];
  const open = new Set<Readable>();
  const parser = new Parser({ strict: false });
  const source = createReadStream(file, { highWaterMark: 64 * 1024 });
  let settle: () => void = () => undefined;
  const done = new Promise<void>((res) => (settle = res));
  const halt = (why: { stopped?: string; broken?: string }): void => {
    if (result.stopped === undefined && result.broken === undefined) Object.assign(result, why);
    source.destroy();
    // A member cut short never ends by itself: its write is ended here, keeping what arrived.
    // (tar's entries are Minipass streams: only an error tells stream.pipeline they ended.)
    for (const entry of open) entry.destroy(new Error('the archive ended inside this member'));
    settle();
  };
  const onAbort = (): void => halt({ stopped: DEADLINE });
  signal?.addEventListener('abort', onAbort, { once: true });

  parser.on('warn', (code: string, message: string) => {
    if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ABORT') halt({ broken: message });
    else if (code === 'TAR_ENTRY_INVALID') result.skipped.push(`a member header is invalid: ${message}`);
  });
  parser.on('error', (e: Error) => halt({ broken: e.message }));
  parser.on('end', () => settle());
  parser.on('entry', (entry: Readable & { path: string; type: string }) => {
    const path = entry.path;
    if (result.stopped !== undefined || result.broken !== undefined || entry.type === 'Directory') return void entry.resume();
    if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
      result.skipped.push(`${path}: ${entry.type} entries are not extracted`);
      return void entry.resume();
    }
    const target = safeJoin(into, path);
    if (!target) {
      result.skipped.push(`${path}: path escapes the archive`);
      return void entry.resume();
    }
    if (!budget.takeEntry()) {
      halt({ stopped: budget.entriesReached() });
      return void entry.resume();
    }
    result.members += 1;
    open.add(entry);
    // Listened to before the write starts: an entry destroyed while its folder is made must not crash.
    entry.on('error', () => undefined);
    writes.push(
      writeMember(entry, target, budget)
        .catch((e: Error) => {
          if (e instanceof StopExtraction) halt({ stopped: e.message });
          else if (result.stopped === undefined && result.broken === undefined) result.skipped.push(`${path}: ${e.message}`);
          entry.resume();
        })
        .finally(() => open.delete(entry)),
    );
  });

  // The parser is not a Node stream: a small sink gives it the bytes with backpressure.
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (parser.write(chunk)) cb();
      else parser.once('drain', () => cb());
    },
    final(cb) {
      parser.end();
      cb();
    },
  });
  const stages = gz ? pipeline(source, createGunzip(), sink) : pipeline(source, sink);
  stages.catch((e: Error) => halt(signal?.aborted ? { stopped: DEADLINE } : { broken: e.message }));
  await done;
  signal?.removeEventListener('abort', onAbort);
  // Every open file is closed before the caller may remove the folder.
  await Promise.allSettled(writes);
  return result;
}

async function extractZip(file: string, into: string, budget: ExtractionBudget, signal?: AbortSignal): Promise<ExtractResult> {
  const yauzl = await import('yauzl');
  const result: ExtractResult = { skipped: [], members: 0 };
  let zip: import('yauzl').ZipFile;
  try {
    zip = await new Promise<import('yauzl').ZipFile>((res, rej) =>
      yauzl.open(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, z) => (err ? rej(err) : res(z))),
    );
  } catch (e) {
    return { ...result, broken: (e as Error).message };
  }
  await new Promise<void>((resolve) => {
    let ended = false;
    const end = (why: { stopped?: string; broken?: string } = {}): void => {
      if (ended) return;
      ended = true;
      Object.assign(result, why);
      signal?.removeEventListener('abort', onAbort);
      zip.close();
      resolve();
    };
    const onAbort = (): void => end({ stopped: DEADLINE });
    signal?.addEventListener('abort', onAbort, { once: true });
    zip.on('error', (e: Error) => end({ broken: e.message }));
    zip.on('end', () => end());
    zip.on('entry', (entry: import('yauzl').Entry) => {
      if (ended) return;
      // Names are decoded here rather than by yauzl, so one bad name skips a member instead of failing the archive.
      const name = (entry.fileName as unknown as Buffer).toString('utf8').replace(/\\/g, '/');
      if (name.endsWith('/')) return zip.readEntry();
      const target = safeJoin(into, name);
      if (!target) {
        result.skipped.push(`${name}: path escapes the archive`);
        return zip.readEntry();
      }
      if (!budget.takeEntry()) return end({ stopped: budget.entriesReached() });
      // The declared size is checked first (cheap); the metered stream checks what really comes.
      if (budget.bytes + entry.uncompressedSize > budget.limits.maxBytes) return end({ stopped: budget.bytesReached() });
      result.members += 1;
      zip.openReadStream(entry, (err, stream) => {
        if (ended) return stream?.destroy();
        if (err) {
          result.skipped.push(`${name}: ${err.message}`);
          return zip.readEntry();
        }
        writeMember(stream, target, budget).then(
          () => (ended ? undefined : zip.readEntry()),
          (e: Error) => {
            if (e instanceof StopExtraction) return end({ stopped: e.message });
            if (signal?.aborted) return end({ stopped: DEADLINE });
            result.skipped.push(`${name}: ${e.message}`);
            if (!ended) zip.readEntry();
          },
        );
      });
    });
    zip.readEntry();
  });
  return result;
}
