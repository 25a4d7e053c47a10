import { CmsDoctorError } from '@cms-doctor/core';
import { parseFields, field, type MmpField } from './fields.js';

export interface MmpXmpp {
  enabled?: boolean;
  clustered?: boolean;
  domain?: string;
  listeningInterfaces?: string;
  keyFile?: string;
  certificateFile?: string;
  caBundleFile?: string;
  status?: string;
  fields: MmpField[];
}

const yes = (v: string | undefined): boolean | undefined =>
  v === undefined ? undefined : /^(true|enabled|yes)$/i.test(v) ? true : /^(false|disabled|no)$/i.test(v) ? false : undefined;
const val = (fs: MmpField[], label: string): string | undefined => {
  const v = field(fs, label)?.value;
  return v === undefined || v === '' ? undefined : v;
};

/** MMP `xmpp` (CMS 2.x): the XMPP server's settings and STATUS line. */
export function parseMmpXmpp(text: string, firstLine = 1): MmpXmpp {
  const fields = parseFields(text, firstLine);
  if (!field(fields, 'Domain') && !field(fields, 'STATUS') && !field(fields, 'Enabled'))
    throw new CmsDoctorError('CMSD_PARSE', 'MMP xmpp: no Enabled, Domain or STATUS line');
  const o: MmpXmpp = { fields };
  const set = <K extends keyof MmpXmpp>(k: K, v: MmpXmpp[K] | undefined): void => {
    if (v !== undefined) o[k] = v;
  };
  set('enabled', yes(val(fields, 'Enabled')));
  set('clustered', yes(val(fields, 'Clustered')));
  set('domain', val(fields, 'Domain'));
  set('listeningInterfaces', val(fields, 'Listening interfaces'));
  set('keyFile', val(fields, 'Key file'));
  set('certificateFile', val(fields, 'Certificate file'));
  set('caBundleFile', val(fields, 'CA Bundle file'));
  set('status', val(fields, 'STATUS'));
  return o;
}

export interface XmppDomainEntry {
  domain: string;
  keyFile?: string;
  certificateFile?: string;
  bundleFile?: string;
  line: number;
}

/**
 * MMP `xmpp multi_domain list`: entries of Domain / Key file / Certificate file /
 * Bundle file, separated by `***` (as in the source document). A new `Domain` line
 * also starts an entry, so output without separators reads the same.
 */
export function parseXmppMultiDomainList(text: string, firstLine = 1): XmppDomainEntry[] {
  const out: XmppDomainEntry[] = [];
  let cur: XmppDomainEntry | undefined;
  for (const f of parseFields(text, firstLine)) {
    const label = f.label.toLowerCase().replace(/\s+/g, ' ');
    if (label === 'domain') {
      cur = { domain: f.value, line: f.line };
      out.push(cur);
    } else if (cur && label === 'key file') cur.keyFile = f.value;
    else if (cur && label === 'certificate file') cur.certificateFile = f.value;
    else if (cur && (label === 'bundle file' || label === 'ca bundle file')) cur.bundleFile = f.value;
  }
  return out;
}
