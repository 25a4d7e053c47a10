import { CmsDoctorError } from './errors.js';
import { HEAD_BYTES, type TriageFile } from './triage.js';

/**
 * A TriageFile held in memory: what a live collector (MMP over SSH) gathered, handed to the same
 * checks that judge the files a customer attaches, so one judgement serves both collectors.
 * `reject` is recorded on the object; a live run has no file list to mark it in.
 */
export function memoryFile(path: string, kind: string, content: Buffer | string): TriageFile & { rejected?: string } {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  const whole = async (maxBytes = 64 * 1024 * 1024): Promise<Buffer> => {
    if (bytes.length > maxBytes)
      throw new CmsDoctorError('CMSD_UNSUPPORTED', `${path} is ${bytes.length} bytes, above the ${maxBytes}-byte limit`, {
        place: { file: path },
      });
    return bytes;
  };
  const file: TriageFile & { rejected?: string } = {
    path,
    diskPath: path,
    size: bytes.length,
    kind,
    head: bytes.subarray(0, HEAD_BYTES),
    bytes: whole,
    text: async (maxBytes) => (await whole(maxBytes)).toString('utf8'),
    lines: async function* () {
      yield* bytes.toString('utf8').split(/\r?\n/);
    },
    reject: (reason) => {
      file.rejected = reason;
    },
  };
  return file;
}
