/** The API URL fields of a report's target, with the option each came from. */
const API_FIELDS = [
  ['cmsApi', '--cms-api', 'CMS API'],
  ['expresswayApi', '--expressway-api', 'Expressway API'],
] as const;

/**
 * What a report must say about how API credentials travelled: a plain http:// URL is only
 * accepted with --insecure, and then Basic authentication sends the user name and password
 * unencrypted. "TLS verification disabled" alone would understate that (there was no TLS).
 */
export function transportWarnings(target: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  let plain = false;
  for (const [field, flag, what] of API_FIELDS) {
    const url = target[field];
    if (typeof url !== 'string' || !/^http:/i.test(url)) continue;
    plain = true;
    out.push(
      `${flag} is plain http:// (--insecure): the ${what} user name and password were sent in clear, readable by anyone on the path`,
    );
  }
  if (target.insecure === true && !plain) out.push('TLS verification of the CMS API is disabled (--insecure)');
  else if (target.insecure === true && API_FIELDS.some(([f]) => typeof target[f] === 'string' && /^https:/i.test(target[f] as string)))
    out.push('TLS verification of the https:// APIs is disabled (--insecure)');
  return out;
}

/** The report's target with `transportWarnings` added when there are any: what JSON shows. */
export function withTransportWarnings<T extends Record<string, unknown>>(target: T): T {
  const warnings = transportWarnings(target);
  return warnings.length ? { ...target, transportWarnings: warnings } : target;
}
