import { CmsDoctorError } from '@cms-doctor/core';
import { enabledValue, findScreen, listValue, readFields, valueOrNone, type FieldRow } from './labelled-fields.js';

/** MMP `webbridge3` (CMS 3.x), shape from Cisco TechNote 221729. */
export interface MmpWebbridge3 {
  enabled?: boolean;
  httpsListen?: string[];
  httpsKeyFile?: string | null;
  httpsCertificateFile?: string | null;
  httpRedirect?: boolean;
  c2wListen?: string[];
  c2wKeyFile?: string | null;
  c2wCertificateFile?: string | null;
  /** What the web bridge trusts on the C2W link from the call bridge; null when `none`. */
  c2wTrustBundle?: string | null;
  lines: Partial<Record<Exclude<keyof MmpWebbridge3, 'lines'>, number>>;
}

const SIGNATURE = ['C2W Trust bundle'] as const;

export const hasMmpWebbridge3 = (text: string): boolean => findScreen(text, SIGNATURE) !== undefined;

const FIELDS: readonly FieldRow<Exclude<keyof MmpWebbridge3, 'lines'>>[] = [
  ['enabled', 'Enabled', enabledValue],
  ['httpsListen', 'HTTPS listening ports and interfaces', listValue],
  ['httpsKeyFile', 'HTTPS Key file', valueOrNone],
  ['httpsCertificateFile', 'HTTPS Full chain certificate file', valueOrNone],
  ['httpRedirect', 'HTTP redirect', enabledValue],
  ['c2wListen', 'C2W listening ports and interfaces', listValue],
  ['c2wKeyFile', 'C2W Key file', valueOrNone],
  ['c2wCertificateFile', 'C2W Full chain certificate file', valueOrNone],
  ['c2wTrustBundle', 'C2W Trust bundle', valueOrNone],
];

export function parseMmpWebbridge3(text: string): MmpWebbridge3 {
  const s = findScreen(text, SIGNATURE);
  if (!s) throw new CmsDoctorError('CMSD_PARSE', 'no MMP `webbridge3` output (needs a "C2W Trust bundle" line)');
  return readFields(s, FIELDS) as MmpWebbridge3;
}
