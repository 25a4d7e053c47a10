import { CmsDoctorError } from '@cms-doctor/core';
import { enabledValue, findScreen, listValue, readFields, valueOrNone, type FieldRow } from './labelled-fields.js';

/**
 * MMP `webbridge` (CMS 2.x, Web Bridge 2), as the source document shows it:
 * Enabled, Interface whitelist, Key file, Certificate file, CA Bundle file,
 * Trust bundle, HTTP redirect, and download URLs.
 */
export interface MmpWebbridge {
  enabled?: boolean;
  /** `a:443` entries. */
  interfaceWhitelist?: string[];
  keyFile?: string | null;
  certificateFile?: string | null;
  caBundleFile?: string | null;
  /** The call bridge certificate the web bridge trusts; null when `none`. */
  trustBundle?: string | null;
  httpRedirect?: boolean;
  /** 1-based input line of each field, for evidence. */
  lines: Partial<
    Record<'enabled' | 'interfaceWhitelist' | 'keyFile' | 'certificateFile' | 'caBundleFile' | 'trustBundle' | 'httpRedirect', number>
  >;
}

const SIGNATURE = ['Interface whitelist', 'Trust bundle'] as const;

/** Whether the text holds a `webbridge` (2.x) screen. */
export const hasMmpWebbridge = (text: string): boolean => findScreen(text, SIGNATURE) !== undefined;

const FIELDS: readonly FieldRow<Exclude<keyof MmpWebbridge, 'lines'>>[] = [
  ['enabled', 'Enabled', enabledValue],
  ['interfaceWhitelist', 'Interface whitelist', listValue],
  ['keyFile', 'Key file', valueOrNone],
  ['certificateFile', 'Certificate file', valueOrNone],
  ['caBundleFile', 'CA Bundle file', valueOrNone],
  ['trustBundle', 'Trust bundle', valueOrNone],
  ['httpRedirect', 'HTTP redirect', enabledValue],
];

export function parseMmpWebbridge(text: string): MmpWebbridge {
  const s = findScreen(text, SIGNATURE);
  if (!s) throw new CmsDoctorError('CMSD_PARSE', 'no MMP `webbridge` output (needs "Interface whitelist" and "Trust bundle" lines)');
  return readFields(s, FIELDS) as MmpWebbridge;
}
