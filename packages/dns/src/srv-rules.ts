/**
 * The SRV records the deployment involves, as data: where each is looked up, what
 * is expected of it, and its standard port. Sources: the source document's DNS
 * section and the Cisco documents cited in docs/findings/dns/.
 */
export interface SrvRule {
  /** Service and protocol labels, e.g. `_xmpp-client._tcp`. */
  service: string;
  /** Which domain it lives under: the internal domain, the external domain, or the guest account client URI host. */
  domain: 'internal' | 'external' | 'guest';
  /** The view that must (or must not) answer it. */
  view: 'internal' | 'external';
  /**
   * - `cms2-required`: CMS 2.x needs it (missing: `fail`, `warn` when the version is unknown);
   * - `info`: reported as information either way;
   * - `optional`: only its content is checked when present;
   * - `absent`: must not be answered in this view (`warn`).
   */
  expect: 'cms2-required' | 'info' | 'optional' | 'absent';
  standardPort?: number;
  /** Why it matters, one sentence for the finding. */
  why: string;
}

export const SRV_RULES: readonly SrvRule[] = [
  {
    service: '_xmpp-client._tcp',
    domain: 'internal',
    view: 'internal',
    expect: 'cms2-required',
    standardPort: 5222,
    why: 'CMS 2.x web bridge and call bridge find the XMPP server through it; without it guests get "Unable to connect" or stay on "Loading media".',
  },
  {
    service: '_xmpp-server._tcp',
    domain: 'internal',
    view: 'internal',
    expect: 'optional',
    standardPort: 5269,
    why: 'XMPP server-to-server record shown in the source document.',
  },
  {
    service: '_cms-web._tls',
    domain: 'guest',
    view: 'internal',
    expect: 'info',
    why: 'Expressway-C discovers the web bridges of the guest account client URI host through it; without it Expressway-C uses the A record with priority 65536 and weight 0.',
  },
  {
    service: '_collab-edge._tls',
    domain: 'external',
    view: 'external',
    expect: 'info',
    standardPort: 8443,
    why: 'Mobile and Remote Access clients find the Expressway-E through it.',
  },
  {
    service: '_cisco-uds._tcp',
    domain: 'external',
    view: 'external',
    expect: 'absent',
    why: 'It points at Unified CM inside; Cisco says it must not be resolvable from outside, or MRA clients try to reach Unified CM directly.',
  },
  {
    service: '_cisco-uds._tcp',
    domain: 'internal',
    view: 'external',
    expect: 'absent',
    why: 'It points at Unified CM inside; Cisco says it must not be resolvable from outside, or MRA clients try to reach Unified CM directly.',
  },
];

/** Standard ports of services seen in SRV records, for records found offline outside the rules. */
export const STANDARD_SRV_PORTS: Readonly<Record<string, number>> = {
  '_xmpp-client._tcp': 5222,
  '_xmpp-server._tcp': 5269,
  '_collab-edge._tls': 8443,
};

/** `_xmpp-client._tcp` from `_xmpp-client._tcp.cms.octavio.local`, or undefined. */
export function serviceOf(owner: string): string | undefined {
  const m = /^(_[^.]+\._[^.]+)\./.exec(owner.toLowerCase());
  return m?.[1];
}

/** Major version from `2.9.1`, `3.8`, `CMS 2.1.4`; undefined if none. */
export function majorVersion(version: string | undefined): number | undefined {
  const m = /(\d+)\.\d+/.exec(version ?? '');
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
