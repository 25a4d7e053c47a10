import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { basename } from 'node:path';
import type { TriageFile } from '@cms-doctor/core';

/** A minimal TriageFile over a file on disk, recording reject() reasons. */
export function triageFile(path: string, kind: string, rejected: string[] = []): TriageFile {
  const head = readFileSync(path).subarray(0, 65536);
  return {
    path: basename(path),
    diskPath: path,
    size: statSync(path).size,
    kind,
    head,
    bytes: async () => readFileSync(path),
    text: async () => readFileSync(path, 'utf8'),
    lines: () => createInterface({ input: createReadStream(path), crlfDelay: Infinity }),
    reject: (reason: string) => void rejected.push(`${basename(path)}: ${reason}`),
  };
}
