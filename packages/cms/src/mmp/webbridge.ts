import { CmsDoctorError } from '@cms-doctor/core';
import { enabledValue, field, findScreen, valueOrNone, type MmpScreen } from './labelled-fields.js';

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
  lines: Partial<Record<'enabled' | 'interfaceWhitelist' | 'keyFile' | 'certificateFile' | 'caBundleFile' | 'trustBundle' | 'httpRedirect', number>>;
}

const SIGNATURE = ['Interface whitelist', 'Trust bundle'] as const;

/** Whether the text holds a `webbridge` (2.x) screen. */
export const hasMmpWebbridge = (text: string): boolean => findScreen(text, SIGNATURE) !== undefined;

export function parseMmpWebbridge(text: string): MmpWebbridge {
  const s = findScreen(text, SIGNATURE);
  if (!s) throw new CmsDoctorError('CMSD_PARSE', 'no MMP `webbridge` output (needs "Interface whitelist" and "Trust bundle" lines)');
  return fromScreen(s);
}

function fromScreen(s: MmpScreen): MmpWebbridge {
  const out: MmpWebbridge = { lines: {} };
  const take = <K extends keyof MmpWebbridge['lines']>(key: K, label: string, conv: (v: string) => MmpWebbridge[K]): void => {
    const f = field(s, label);
    if (!f) return;
    const v = conv(f.value);
    if (v !== undefined) (out as unknown as Record<string, unknown>)[key] = v;
    out.lines[key] = f.line;
  };
  take('enabled', 'Enabled', enabledValue);
  take('interfaceWhitelist', 'Interface whitelist', (v) => (valueOrNone(v) ? v.split(/[\s,]+/).filter(Boolean) : []));
  take('keyFile', 'Key file', valueOrNone);
  take('certificateFile', 'Certificate file', valueOrNone);
  take('caBundleFile', 'CA Bundle file', valueOrNone);
  take('trustBundle', 'Trust bundle', valueOrNone);
  take('httpRedirect', 'HTTP redirect', enabledValue);
  return out;
}
