import { readFile } from 'node:fs/promises';
import { getServers } from 'node:dns';
import { parseServer, type DnsServer } from './server-address.js';

/** First `nameserver` line of a resolv.conf text, or undefined. Pure, for tests. */
export function firstNameserver(resolvConf: string): DnsServer | undefined {
  for (const line of resolvConf.split(/\r?\n/)) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (!m?.[1]) continue;
    // Link-local IPv6 with a zone id (fe80::1%eth0) cannot be used from a UDP socket here; skip it.
    if (m[1].includes('%')) continue;
    try {
      return parseServer(m[1]);
    } catch {
      continue;
    }
  }
  return undefined;
}

/**
 * The system resolver, used for the external view when none is named: the first
 * server of /etc/resolv.conf, else the first of node:dns getServers().
 */
export async function systemResolver(resolvConfPath = '/etc/resolv.conf'): Promise<DnsServer | undefined> {
  try {
    const found = firstNameserver(await readFile(resolvConfPath, 'utf8'));
    if (found) return found;
  } catch {
    // No resolv.conf (Windows, containers): fall through to what libuv/c-ares knows.
  }
  for (const s of getServers()) {
    try {
      return parseServer(s);
    } catch {
      continue;
    }
  }
  return undefined;
}
