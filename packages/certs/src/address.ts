import { isIP } from 'node:net';
import { CmsDoctorError } from '@cms-doctor/core';

/** `host[:port]`, `[v6]:port` or a bare IPv6 address, with a default port. */
export function parseHostPort(text: string, defaultPort: number): { host: string; port: number } {
  const t = text.trim();
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracket) return { host: bracket[1]!, port: portOf(bracket[2], defaultPort, t) };
  if (isIP(t) === 6) return { host: t, port: defaultPort };
  const m = /^([^:\s]+)(?::(\d+))?$/.exec(t);
  if (!m) throw new CmsDoctorError('CMSD_USAGE', `not a host[:port]: "${t}"`);
  return { host: m[1]!, port: portOf(m[2], defaultPort, t) };
}

function portOf(p: string | undefined, dflt: number, t: string): number {
  if (p === undefined) return dflt;
  const n = Number(p);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new CmsDoctorError('CMSD_USAGE', `bad port in "${t}"`);
  return n;
}
