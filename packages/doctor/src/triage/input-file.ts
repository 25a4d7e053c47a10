import { constants, createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { CmsDoctorError, HEAD_BYTES, type TriageFile } from '@cms-doctor/core';

export interface FileEntry {
  path: string;
  diskPath: string;
  size: number;
  kind: string;
  head: Uint8Array;
  reason?: string;
}

export async function readHead(diskPath: string): Promise<{ head: Uint8Array; size: number }> {
  // O_NONBLOCK: a FIFO swapped in after the walk looked at it must not block the open.
  const fh = await open(diskPath, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new CmsDoctorError('CMSD_UNSUPPORTED', `${diskPath} is not a regular file`);
    const { size } = st;
    const buf = Buffer.alloc(Math.min(HEAD_BYTES, size));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return { head: buf.subarray(0, bytesRead), size };
  } finally {
    await fh.close();
  }
}

const DEFAULT_MAX = 64 * 1024 * 1024;

/** The TriageFile handed to offline checks; `reject` marks the entry unreadable in the report. */
export function toTriageFile(entry: FileEntry): TriageFile {
  const bytes = async (maxBytes = DEFAULT_MAX): Promise<Buffer> => {
    const { size } = await stat(entry.diskPath);
    if (size > maxBytes)
      throw new CmsDoctorError(
        'CMSD_UNSUPPORTED',
        `${entry.path} is ${size} bytes, above the ${maxBytes}-byte limit for whole-file parsing`,
        { place: { file: entry.path } },
      );
    return readFile(entry.diskPath);
  };
  return {
    path: entry.path,
    diskPath: entry.diskPath,
    size: entry.size,
    kind: entry.kind,
    head: entry.head,
    bytes,
    text: async (maxBytes) => (await bytes(maxBytes)).toString('utf8'),
    lines: () => {
      // latin1 keeps binary junk one byte per char, so a bad byte never stops the stream.
      const stream = createReadStream(entry.diskPath, { encoding: 'utf8', highWaterMark: 256 * 1024 });
      return createInterface({ input: stream, crlfDelay: Infinity });
    },
    reject: (reason: string) => {
      entry.kind = 'unreadable';
      entry.reason = reason;
    },
  };
}
