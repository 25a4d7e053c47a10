import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { CmsDoctorError } from '@cms-doctor/core';

export type ArchiveKind = 'tar' | 'tar.gz' | 'gzip' | 'zip';

/** Recognised by magic bytes, never by file name. */
export function archiveKindOf(head: Uint8Array): ArchiveKind | undefined {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip';
  if (head[0] === 0x1f && head[1] === 0x8b) {
    // Look inside: a gzip whose first member is a tar header is a tarball.
    try {
      const inner = gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH: a truncated head is expected */ });
      if (inner.length >= 262 && inner.subarray(257, 262).toString('latin1') === 'ustar') return 'tar.gz';
    } catch {
      // Corrupt gzip: treated as plain gzip; extraction reports the error.
    }
    return 'gzip';
  }
  if (head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}

export interface Limits {
  maxEntries: number;
  maxTotalBytes: number;
}
export const DEFAULT_LIMITS: Limits = { maxEntries: 10_000, maxTotalBytes: 4 * 1024 ** 3 };

/** Member paths that would escape the extraction folder are refused. */
function safeJoin(root: string, member: string): string | undefined {
  const clean = normalize(member).replace(/^([/\\])+/, '');
  if (clean === '' || clean.startsWith('..') || clean.split(sep).includes('..')) return undefined;
  return join(root, clean);
}

export class Extraction {
  constructor(readonly dir: string) {}
  dispose(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

export async function makeWorkDir(): Promise<Extraction> {
  return new Extraction(await mkdtemp(join(tmpdir(), 'cms-doctor-triage-')));
}

/** Unpacks an archive into `into`; returns skipped member names with the reason. */
export async function extract(kind: ArchiveKind, file: string, name: string, into: string, limits = DEFAULT_LIMITS): Promise<string[]> {
  const skipped: string[] = [];
  if (kind === 'gzip') {
    // A plain .gz (not a tarball): one member, named after the file.
    const out = join(into, name.replace(/\.gz$/i, '') || 'decompressed');
    await pipeline(createReadStream(file), createGunzip(), capBytes(limits.maxTotalBytes), createWriteStream(out));
    return skipped;
  }
  if (kind === 'tar' || kind === 'tar.gz') {
    const tar = await import('tar');
    let entries = 0;
    await tar.x({
      file,
      cwd: into,
      strict: false,
      preservePaths: false,
      filter: (path: string, entry: unknown) => {
        const type = (entry as { type?: string }).type;
        if (type !== 'File' && type !== 'OldFile' && type !== 'Directory') {
          skipped.push(`${path}: ${type ?? 'special'} entries are not extracted`);
          return false;
        }
        entries += 1;
        if (entries > limits.maxEntries) {
          skipped.push(`${path}: more than ${limits.maxEntries} entries`);
          return false;
        }
        return safeJoin(into, path) !== undefined;
      },
    });
    return skipped;
  }
  const yauzl = await import('yauzl');
  const zip = await new Promise<import('yauzl').ZipFile>((res, rej) =>
    yauzl.open(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, z) => (err ? rej(err) : res(z))),
  );
  let total = 0;
  let entries = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: import('yauzl').Entry) => {
      entries += 1;
      // Names are decoded here rather than by yauzl, so one bad name skips a member instead of failing the archive.
      const name = (entry.fileName as unknown as Buffer).toString('utf8').replace(/\\/g, '/');
      const target = safeJoin(into, name);
      if (name.endsWith('/')) return zip.readEntry();
      if (!target || entries > limits.maxEntries || total + entry.uncompressedSize > limits.maxTotalBytes) {
        skipped.push(`${name}: ${!target ? 'path escapes the archive' : 'archive limits reached'}`);
        return zip.readEntry();
      }
      total += entry.uncompressedSize;
      zip.openReadStream(entry, (err, stream) => {
        if (err) {
          skipped.push(`${name}: ${err.message}`);
          return zip.readEntry();
        }
        mkdir(dirname(target), { recursive: true })
          .then(() => pipeline(stream, createWriteStream(target)))
          .then(
            () => zip.readEntry(),
            (e: Error) => {
              skipped.push(`${name}: ${e.message}`);
              zip.readEntry();
            },
          );
      });
    });
    zip.readEntry();
  });
  zip.close();
  return skipped;
}

function capBytes(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void) {
      seen += chunk.length;
      if (seen > max) cb(new CmsDoctorError('CMSD_UNSUPPORTED', `decompressed size above ${max} bytes`));
      else cb(null, chunk);
    },
  });
}
