import { constants, createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
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

/** Longest line handed to a check; the rest of a longer line is dropped, not held in memory. */
export const MAX_LINE_CHARS = 1024 * 1024;

/**
 * The file's lines (\n or \r\n), streamed. Unlike readline, a file with no line break holds at
 * most `maxLine` characters in memory, however large it is.
 */
export async function* boundedLines(diskPath: string, maxLine = MAX_LINE_CHARS): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let skipping = false;
  const clean = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);
  for await (const chunk of createReadStream(diskPath, { highWaterMark: 256 * 1024 })) {
    const parts = (carry + decoder.write(chunk as Buffer)).split('\n');
    carry = parts.pop() ?? '';
    for (const part of parts) {
      if (skipping) skipping = false;
      else yield clean(part);
    }
    if (!skipping && carry.length > maxLine) {
      yield carry.slice(0, maxLine);
      skipping = true;
    }
    if (skipping) carry = '';
  }
  const last = carry + decoder.end();
  if (!skipping && last !== '') yield clean(last.slice(0, maxLine));
}

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
    lines: () => boundedLines(entry.diskPath),
    reject: (reason: string) => {
      entry.kind = 'unreadable';
      entry.reason = reason;
    },
  };
}
