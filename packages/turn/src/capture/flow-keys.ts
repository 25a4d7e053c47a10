/**
 * Flow keys: numbers hashed from the header bytes, so that looking up a flow or a
 * conversation allocates nothing. Design: docs/decisions/stun-capture-scan.md.
 */
import { u32 } from './stun-bytes.js';
import type { TransportLocation } from './packet.js';

/** IPv4 endpoint keys are below 2^49 (32-bit address, 16-bit port, 1 bit TCP); IPv6 keys start here. */
const IPV6_KEY_BASE = 2 ** 49;

/** FNV-1a over 32-bit words, twice with different seeds, folded into one exact double (53 bits). */
export function hashWords(words: Int32Array, count: number): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < count; i++) {
    a = Math.imul(a ^ words[i]!, 0x01000193);
    b = Math.imul(b ^ words[i]!, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

/** An endpoint with its transport as one number: exact for IPv4 (< 2^49), hashed for IPv6. */
export function endpointKey(b: Buffer, at: number, v6: boolean, port: number, tcp: boolean): number {
  if (!v6) return (u32(b, at) * 65536 + port) * 2 + (tcp ? 1 : 0);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < 16; i += 4) {
    const w = u32(b, at + i);
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h2 = Math.imul(h2 ^ w, 0x5bd1e995) ^ (h2 >>> 15);
  }
  h1 = Math.imul(h1 ^ ((port << 1) | (tcp ? 1 : 0)), 0x01000193);
  // Above every IPv4 key.
  return IPV6_KEY_BASE + ((h1 >>> 0) % 2 ** 31) * 0x100000 + ((h2 >>> 0) & 0xfffff);
}

/**
 * Writes a flow's identity into `w` (source and destination address words, the ports, the
 * protocol) and returns how many words it took. `sorted`: both directions of a conversation
 * give the same words (the two endpoints ordered).
 */
export function identityWords(b: Buffer, l: TransportLocation, w: Int32Array, dir: 'forward' | 'sorted'): number {
  const n = l.v6 ? 4 : 1;
  const dstAt = l.srcAt + (l.v6 ? 16 : 4);
  let swap = false;
  if (dir === 'sorted') {
    let c = 0;
    for (let i = 0; i < n && c === 0; i++) c = u32(b, l.srcAt + 4 * i) - u32(b, dstAt + 4 * i);
    swap = c > 0 || (c === 0 && l.srcPort > l.dstPort);
  }
  const first = swap ? dstAt : l.srcAt;
  const second = swap ? l.srcAt : dstAt;
  for (let i = 0; i < n; i++) {
    w[i] = u32(b, first + 4 * i) | 0;
    w[n + i] = u32(b, second + 4 * i) | 0;
  }
  w[2 * n] = swap ? (l.dstPort << 16) | l.srcPort : (l.srcPort << 16) | l.dstPort;
  w[2 * n + 1] = l.proto | (l.v6 ? 0x100 : 0);
  return 2 * n + 2;
}

/** Where the transaction id starts: after the magic cookie (96 bits), or after the length in RFC 3489 (128 bits). */
const ID_AT = 8;
const CLASSIC_ID_AT = 4;
const HEADER_END = 20;

/**
 * The transaction id of the STUN message at `o` as a 53-bit number, hashed like `hashWords`
 * (the same words give the same number) but read in place: a map key without a string or an
 * array. Two different ids share it with odds of 2^-53 per pair: among the ≤ 50,000 ids a
 * capture analysis holds at once, a new id is taken for a held one about once in 10^11
 * lookups (a 256 MiB capture makes about 10^6). `cookie`: the message has the magic cookie.
 */
export function transactionHash(b: Buffer, o: number, cookie: boolean): number {
  let a = 0x811c9dc5;
  let c = 0x01000193;
  for (let at = o + (cookie ? ID_AT : CLASSIC_ID_AT); at < o + HEADER_END; at += 4) {
    const w = u32(b, at) | 0;
    a = Math.imul(a ^ w, 0x01000193);
    c = Math.imul(c ^ w, 0x5bd1e995) ^ (c >>> 15);
  }
  return (a >>> 0) * 0x200000 + ((c >>> 0) & 0x1fffff);
}
