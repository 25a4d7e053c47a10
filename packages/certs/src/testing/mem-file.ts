import type { TriageFile } from '@cms-doctor/core';

/** A TriageFile over bytes in memory, for offline-check tests (not built into dist). */
export function memFile(path: string, kind: string, content: string | Buffer, rejected: string[] = []): TriageFile {
  const buf = Buffer.from(content);
  return {
    path,
    diskPath: path,
    size: buf.length,
    kind,
    head: buf.subarray(0, 65536),
    bytes: async () => buf,
    text: async () => buf.toString('utf8'),
    lines: async function* () {
      yield* buf.toString('utf8').split(/\r?\n/);
    },
    reject: (reason) => {
      rejected.push(`${path}: ${reason}`);
    },
  };
}
