import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Host key verification that fails closed: a key is trusted only when it matches a pinned
 * SHA256 fingerprint (`--cms-ssh-host-key`) or an entry of known_hosts for this host and port.
 * Never trust on first use: an unknown key is reported with its fingerprint and how to pin it.
 */

/** OpenSSH's fingerprint of a public key blob: `SHA256:` and unpadded base64. */
export const sha256Fingerprint = (keyBlob: Buffer): string =>
  `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;

export interface KnownHostKey {
  /** The key type as written in known_hosts, e.g. ssh-ed25519. */
  type: string;
  blob: Buffer;
  line: number;
  revoked: boolean;
}

/** How known_hosts names a host: `host` on port 22, `[host]:port` otherwise. */
export const knownHostsName = (host: string, port: number): string =>
  port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;

function hashedMatches(field: string, name: string): boolean {
  // |1|base64(salt)|base64(HMAC-SHA1(salt, name))
  const m = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(field);
  if (!m) return false;
  const expected = Buffer.from(m[2] ?? '', 'base64');
  const actual = createHmac('sha1', Buffer.from(m[1] ?? '', 'base64'))
    .update(name)
    .digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A known_hosts pattern (`*` and `?` wildcards, `!` negation handled by the caller). */
function patternMatches(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(name);
}

function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) return hashedMatches(field, name);
  let matched = false;
  for (const p of field.split(',')) {
    if (p.startsWith('!')) {
      if (patternMatches(p.slice(1), name)) return false;
    } else if (patternMatches(p, name)) matched = true;
  }
  return matched;
}

/** The keys known_hosts holds for `host:port` (hashed entries too); @cert-authority lines are not host keys. */
export function knownKeysFor(knownHosts: string, host: string, port: number): KnownHostKey[] {
  const name = knownHostsName(host, port);
  const out: KnownHostKey[] = [];
  knownHosts.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    let revoked = false;
    if (parts[0]?.startsWith('@')) {
      if (parts[0] === '@cert-authority') return;
      revoked = parts[0] === '@revoked';
      parts.shift();
    }
    const [hosts, type, key] = parts;
    if (!hosts || !type || !key || !/^[A-Za-z0-9+/]+=*$/.test(key)) return;
    if (hostFieldMatches(hosts, name)) out.push({ type, blob: Buffer.from(key, 'base64'), line: i + 1, revoked });
  });
  return out;
}

export type HostKeyVerdict =
  | { trusted: true; fingerprint: string; by: string }
  | { trusted: false; fingerprint: string; reason: 'unknown' | 'changed' | 'revoked'; expected?: string[] };

export interface HostKeyPolicy {
  /** `--cms-ssh-host-key SHA256:...` (one or more). */
  pinned?: readonly string[];
  /** Text of the known_hosts file and where it came from. */
  knownHosts?: { text: string; path: string };
  host: string;
  port: number;
}

/** The verdict on the key a server offered; pure, so it is tested without a server. */
export function judgeHostKey(offered: Buffer, policy: HostKeyPolicy): HostKeyVerdict {
  const fingerprint = sha256Fingerprint(offered);
  if (policy.pinned && policy.pinned.length > 0) {
    const pins = policy.pinned.map((p) => p.trim().replace(/=+$/, ''));
    return pins.includes(fingerprint)
      ? { trusted: true, fingerprint, by: '--cms-ssh-host-key' }
      : { trusted: false, fingerprint, reason: 'changed', expected: pins };
  }
  const known = policy.knownHosts ? knownKeysFor(policy.knownHosts.text, policy.host, policy.port) : [];
  if (known.some((k) => k.revoked && k.blob.equals(offered))) return { trusted: false, fingerprint, reason: 'revoked' };
  const match = known.find((k) => !k.revoked && k.blob.equals(offered));
  if (match) return { trusted: true, fingerprint, by: `${policy.knownHosts?.path ?? 'known_hosts'}:${match.line}` };
  const others = known.filter((k) => !k.revoked);
  return others.length > 0
    ? { trusted: false, fingerprint, reason: 'changed', expected: others.map((k) => sha256Fingerprint(k.blob)) }
    : { trusted: false, fingerprint, reason: 'unknown' };
}
