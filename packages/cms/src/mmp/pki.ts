import { CmsDoctorError } from '@cms-doctor/core';

export interface PkiListEntry {
  name: string;
  /** By extension: key, certificate, csr or other. */
  type: 'key' | 'certificate' | 'csr' | 'other';
  line: number;
}

const typeOf = (name: string): PkiListEntry['type'] =>
  /\.key$/i.test(name) ? 'key' : /\.(?:cer|crt|pem|der|p7b|p12|pfx)$/i.test(name) ? 'certificate' : /\.csr$/i.test(name) ? 'csr' : 'other';

/** MMP `pki list`: the file names after "User supplied certificates and keys:". */
export function parsePkiList(text: string, firstLine = 1): PkiListEntry[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^User supplied certificates and keys:/.test(l.trim()));
  if (start < 0) throw new CmsDoctorError('CMSD_PARSE', 'MMP pki list: no "User supplied certificates and keys:" header');
  const out: PkiListEntry[] = [];
  for (let i = start + 1; i < lines.length; i += 1) {
    const l = lines[i]!.trim();
    if (l === '') continue;
    if (/^\S+>/.test(l) || /\s/.test(l)) break; // the next prompt or prose ends the list
    out.push({ name: l, type: typeOf(l), line: firstLine + i });
  }
  return out;
}
