import { parseMmpCallbridge } from './callbridge.js';
import { parseMmpWebbridge } from './webbridge.js';
import { parseMmpWebbridge3 } from './webbridge3.js';

/** A file an MMP status screen names, with the field that names it. */
export interface NamedFile {
  file: string;
  /** `webbridge "Trust bundle"`. */
  by: string;
  /** A certificate the trust checks compare by fingerprint (what the live collector reads over SFTP). */
  compared: boolean;
}

const attempt = <T>(f: () => T): T | undefined => {
  try {
    return f();
  } catch {
    return undefined;
  }
};

/** Every certificate, key and bundle file the `callbridge`, `webbridge` and `webbridge3` screens name, in screen order. */
export function namedFiles(screens: readonly { command: string; text: string }[]): NamedFile[] {
  const out: NamedFile[] = [];
  const add = (command: string, field: string, v: string | null | undefined, compared = false): void => {
    if (v) out.push({ file: v, by: `${command} "${field}"`, compared });
  };
  for (const s of screens) {
    const cb = s.command === 'callbridge' ? attempt(() => parseMmpCallbridge(s.text)) : undefined;
    if (cb) {
      add('callbridge', 'Key file', cb.keyFile);
      add('callbridge', 'Certificate file', cb.certificateFile, true);
      add('callbridge', 'CA Bundle file', cb.caBundleFile);
      add('callbridge', 'C2W trusted certs', cb.c2wTrustedCerts, true);
    }
    const wb = s.command === 'webbridge' ? attempt(() => parseMmpWebbridge(s.text)) : undefined;
    if (wb) {
      add('webbridge', 'Key file', wb.keyFile);
      add('webbridge', 'Certificate file', wb.certificateFile);
      add('webbridge', 'CA Bundle file', wb.caBundleFile);
      add('webbridge', 'Trust bundle', wb.trustBundle, true);
    }
    const wb3 = s.command === 'webbridge3' ? attempt(() => parseMmpWebbridge3(s.text)) : undefined;
    if (wb3) {
      add('webbridge3', 'C2W Key file', wb3.c2wKeyFile);
      add('webbridge3', 'C2W Full chain certificate file', wb3.c2wCertificateFile, true);
      add('webbridge3', 'C2W Trust bundle', wb3.c2wTrustBundle, true);
    }
  }
  return out;
}
