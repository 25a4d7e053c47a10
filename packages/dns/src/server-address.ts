import { isIP } from 'node:net';
import { CmsDoctorError } from '@cms-doctor/core';

/** A resolver to ask: an IP literal and a port. Names are refused: a view is defined by its server address. */
export interface DnsServer {
  host: string;
  port: number;
}

export const DNS_PORT = 53;

/**
 * Parses `ip[:port]`: `192.0.2.1`, `192.0.2.1:5353`, `::1`, `[::1]:53`, and dig's `ip#port`.
 * Throws CMSD_USAGE for anything else, so a typo never turns into a query to a wrong host.
 */
export function parseServer(text: string): DnsServer {
  const s = text.trim();
  let host = s;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?:[:#](\d+))?$/.exec(s);
  if (bracketed) {
    host = bracketed[1] ?? '';
    port = bracketed[2];
  } else if (isIP(s) === 6) {
    host = s;
  } else {
    const m = /^([^:#]+)(?:[:#](\d+))?$/.exec(s);
    if (m) {
      host = m[1] ?? '';
      port = m[2];
    } else {
      // IPv6 with dig's `#port` suffix: `::1#53`.
      const hash = /^(.+)#(\d+)$/.exec(s);
      if (hash && isIP(hash[1] ?? '') === 6) {
        host = hash[1] ?? '';
        port = hash[2];
      }
    }
  }
  if (isIP(host) === 0) {
    throw new CmsDoctorError('CMSD_USAGE', `not a resolver address (expected ip[:port] or [ipv6]:port): ${JSON.stringify(text)}`);
  }
  const n = port === undefined ? DNS_PORT : Number(port);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new CmsDoctorError('CMSD_USAGE', `resolver port out of range in ${JSON.stringify(text)}`);
  }
  return { host, port: n };
}

/** `ip:port`, with IPv6 in brackets: the form used in subjects and evidence. */
export function formatServer(server: DnsServer): string {
  return isIP(server.host) === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

/** Same resolver? IPv6 compared case-insensitively; ports must match. */
export function sameServer(a: DnsServer, b: DnsServer): boolean {
  return a.port === b.port && a.host.toLowerCase() === b.host.toLowerCase();
}
