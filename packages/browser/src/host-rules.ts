import { isIP } from 'node:net';

/** A host as Chromium's host-resolver rules and URLs write it: IPv6 in brackets. */
export const bracketed = (host: string): string => (isIP(host) === 6 ? `[${host}]` : host);

/**
 * Chromium `--host-resolver-rules`: the external name resolves to the edge (no system DNS
 * change, as a guest whose DNS answers the edge), every other name fails, and the address
 * literals the run uses (edge, TURN) are left alone: Chromium passes even IP literals of
 * WebRTC TCP sockets through the resolver, where `MAP * ~NOTFOUND` would refuse them.
 */
export function hostResolverRules(map: { name: string; to: string } | undefined, literals: readonly string[]): string {
  const rules = [
    ...(map ? [`MAP ${map.name} ${bracketed(map.to)}`] : []),
    'MAP * ~NOTFOUND',
    ...[...new Set(literals)].map((h) => `EXCLUDE ${bracketed(h)}`),
  ];
  return rules.join(', ');
}
