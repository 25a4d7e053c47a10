/**
 * Recognising STUN and ChannelData in bytes read in place (no decoding, no allocation).
 * Design: docs/decisions/stun-capture-scan.md.
 */
import { HEADER_LENGTH, MAGIC_COOKIE } from '../codec/constants.js';

/** The first two bits of a byte: 00 starts a STUN message (RFC 8489 §5), 01 a ChannelData channel number. */
export const FIRST_TWO_BITS = 0xc0;
/** A ChannelData channel number has one of its first two bits set (RFC 8656 §12, 0x4000-0x7fff, wider for Wireshark). */
const CHANNEL_NUMBER_BITS = 0xc000;

export const u16 = (b: Buffer, o: number): number => (b[o]! << 8) | b[o + 1]!;
export const u32 = (b: Buffer, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
export const cookieAt = (b: Buffer, o: number, n: number): boolean => n >= 8 && u32(b, o + 4) === MAGIC_COOKIE;

/** ChannelData fills a datagram exactly (or with padding to 4), as Wireshark requires. */
export function channelDataFits(b: Buffer, o: number, n: number, stream: boolean): boolean {
  if (n < 4) return false;
  const type = u16(b, o);
  if ((type & CHANNEL_NUMBER_BITS) === 0 || type === 0xffff) return false;
  const len = u16(b, o + 2) + 4;
  const padded = (len + 3) & ~3;
  return stream ? n >= padded : n === len || n === padded;
}

/** A segment that starts `length(2) + STUN with cookie` whose length agrees with the STUN header. */
export const rfc4571Start = (b: Buffer, o: number, n: number): boolean =>
  n >= 2 + HEADER_LENGTH &&
  (b[o + 2]! & FIRST_TWO_BITS) === 0 &&
  u32(b, o + 6) === MAGIC_COOKIE &&
  u16(b, o) === HEADER_LENGTH + u16(b, o + 4);

/**
 * The check `decodeMessage` makes on the attribute list (lenient length), without decoding or
 * throwing: undefined when it fits, else the same text decodeMessage's error would carry.
 */
export function attributeError(b: Buffer, o: number, n: number, padded = true): string | undefined {
  let at = HEADER_LENGTH;
  while (at < n) {
    if (at + 4 > n) return 'attribute header runs past the message';
    const alen = u16(b, o + at + 2);
    if (at + 4 + alen > n) return `attribute 0x${u16(b, o + at).toString(16)} length ${alen} runs past the message`;
    at = Math.min(n, at + 4 + (padded ? (alen + 3) & ~3 : alen));
  }
  return undefined;
}

/**
 * Methods of the IANA STUN registry (Binding to ConnectionAttempt, GOOG-PING 0x080); MS-TURN
 * uses 0x004-0x006 as Send, Data and Set Active Destination, inside the same range.
 */
const knownMethod = (type: number): boolean => {
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  return (method >= 0x001 && method <= 0x00c) || method === 0x080;
};

/**
 * A STUN header with the magic cookie at `o` that is believable on any port: a known method,
 * and a length that is a multiple of 4 (RFC 8489 §5) or, when the message is all here, one that
 * an unpadded (MS-TURN) attribute list fills exactly. `n` is the bytes available (a TCP
 * segment may hold only the start of the message).
 */
export function plausibleStun(b: Buffer, o: number, n: number): boolean {
  if (n < 8 || (b[o]! & FIRST_TWO_BITS) !== 0 || !cookieAt(b, o, n) || !knownMethod(u16(b, o))) return false;
  const size = HEADER_LENGTH + u16(b, o + 2);
  if ((size & 3) === 0) return true;
  return size <= n && attributeError(b, o, size, false) === undefined;
}
