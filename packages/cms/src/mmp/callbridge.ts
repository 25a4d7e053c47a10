import { CmsDoctorError } from '@cms-doctor/core';
import { findScreen, listValue, readFields, valueOrNone, type FieldRow } from './labelled-fields.js';

/**
 * MMP `callbridge`: the 2.x shape of the source document (Listening interfaces,
 * Preferred interface, Key file, Certificate file, Address, CA Bundle file) and the
 * 3.x additions of TechNotes 221729/221776 (C2W trusted certs and other trust lines).
 */
export interface MmpCallbridge {
  listeningInterfaces?: string[];
  preferredInterface?: string | null;
  keyFile?: string | null;
  /** The call bridge certificate: what the web bridge must trust. */
  certificateFile?: string | null;
  address?: string | null;
  caBundleFile?: string | null;
  /** 3.x: what the call bridge trusts on the C2W link to the web bridge. */
  c2wTrustedCerts?: string | null;
  clusterTrustedCerts?: string | null;
  lines: Partial<Record<Exclude<keyof MmpCallbridge, 'lines'>, number>>;
}

const SIGNATURE = ['Listening interfaces', 'Preferred interface', 'Certificate file'] as const;

export const hasMmpCallbridge = (text: string): boolean => findScreen(text, SIGNATURE) !== undefined;

const FIELDS: readonly FieldRow<Exclude<keyof MmpCallbridge, 'lines'>>[] = [
  ['listeningInterfaces', 'Listening interfaces', listValue],
  ['preferredInterface', 'Preferred interface', valueOrNone],
  ['keyFile', 'Key file', valueOrNone],
  ['certificateFile', 'Certificate file', valueOrNone],
  ['address', 'Address', valueOrNone],
  ['caBundleFile', 'CA Bundle file', valueOrNone],
  ['c2wTrustedCerts', 'C2W trusted certs', valueOrNone],
  ['clusterTrustedCerts', 'Callbridge cluster trusted certs', valueOrNone],
];

export function parseMmpCallbridge(text: string): MmpCallbridge {
  const s = findScreen(text, SIGNATURE);
  if (!s)
    throw new CmsDoctorError(
      'CMSD_PARSE',
      'no MMP `callbridge` output (needs "Listening interfaces", "Preferred interface" and "Certificate file" lines)',
    );
  return readFields(s, FIELDS) as MmpCallbridge;
}
