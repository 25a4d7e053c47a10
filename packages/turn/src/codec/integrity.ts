import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as zlib from 'node:zlib';
import { CmsDoctorError } from '@cms-doctor/core';
import { ATTR, FINGERPRINT_XOR, HEADER_LENGTH } from './constants.js';
import type { StunMessage } from './message.js';

/** Characters RFC 3454 table B.1 maps to nothing (the RFC 5769 2.4 password has U+00AD). */
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200B-\u200D\u2060\uFE00-\uFE0F\uFEFF]/gu;
/** Table C.1.2: non-ASCII spaces map to SPACE. */
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/gu;

/** SASLprep (RFC 4013) as far as STUN credentials need it: mapping and NFKC. */
export function saslPrep(s: string): string {
  return s.replace(NON_ASCII_SPACE, ' ').replace(MAPPED_TO_NOTHING, '').normalize('NFKC');
}

/** Long-term credential key: MD5(username ":" realm ":" SASLprep(password)). Never log it. */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  return createHash('md5')
    .update(`${saslPrep(username)}:${realm}:${saslPrep(password)}`, 'utf8')
    .digest();
}

/** Short-term credential key: SASLprep(password). */
export const shortTermKey = (password: string): Buffer => Buffer.from(saslPrep(password), 'utf8');

/** The received bytes before `offset` with the header length patched to end `extra` bytes after it. */
function coveredBytes(raw: Buffer, offset: number, extra: number): Buffer {
  const copy = Buffer.from(raw.subarray(0, offset));
  copy.writeUInt16BE(offset + extra - HEADER_LENGTH, 2);
  return copy;
}

export type IntegrityResult = 'valid' | 'invalid' | 'absent';

/**
 * Verifies MESSAGE-INTEGRITY (HMAC-SHA1) or MESSAGE-INTEGRITY-SHA256 over the bytes as
 * received, never a re-encoding (re-encoding is how the `stun` package got this wrong).
 */
export function verifyIntegrity(m: StunMessage, key: Uint8Array, algorithm: 'sha1' | 'sha256' = 'sha1'): IntegrityResult {
  const type = algorithm === 'sha1' ? ATTR.MESSAGE_INTEGRITY : ATTR.MESSAGE_INTEGRITY_SHA256;
  const attr = m.attributes.find((a) => a.type === type);
  if (!attr) return 'absent';
  const want = attr.value;
  if (algorithm === 'sha1' ? want.length !== 20 : want.length < 16 || want.length > 32) return 'invalid';
  const mac = createHmac(algorithm, key)
    .update(coveredBytes(m.raw, attr.offset, 4 + want.length))
    .digest()
    .subarray(0, want.length);
  return timingSafeEqual(mac, want) ? 'valid' : 'invalid';
}

type Crc32 = (data: Uint8Array, value?: number) => number;
const nativeCrc32 = (zlib as unknown as { crc32?: Crc32 }).crc32;
let table: Uint32Array | undefined;
/** zlib.crc32 exists from Node 20.15; a table version covers anything older. */
export function crc32(data: Uint8Array): number {
  if (nativeCrc32) return nativeCrc32(data) >>> 0;
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = 0xffffffff;
  for (const b of data) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function verifyFingerprint(m: StunMessage): IntegrityResult {
  const attr = m.attributes.find((a) => a.type === ATTR.FINGERPRINT);
  if (!attr) return 'absent';
  if (attr.value.length !== 4) return 'invalid';
  const want = (crc32(coveredBytes(m.raw, attr.offset, 8)) ^ FINGERPRINT_XOR) >>> 0;
  return attr.value.readUInt32BE(0) === want ? 'valid' : 'invalid';
}

/** Appends MESSAGE-INTEGRITY (and optionally FINGERPRINT) to an encoded message. */
export function finalize(encoded: Buffer, opts: { key?: Uint8Array; sha256?: boolean; fingerprint?: boolean }): Buffer {
  let msg = encoded;
  if (msg.length < HEADER_LENGTH) throw new CmsDoctorError('CMSD_INTERNAL', 'not an encoded STUN message');
  const append = (type: number, value: Buffer): void => {
    const head = Buffer.alloc(4);
    head.writeUInt16BE(type, 0);
    head.writeUInt16BE(value.length, 2);
    msg = Buffer.concat([msg, head, value]);
    msg.writeUInt16BE(msg.length - HEADER_LENGTH, 2);
  };
  if (opts.key) {
    const alg = opts.sha256 ? 'sha256' : 'sha1';
    const size = opts.sha256 ? 32 : 20;
    const mac = createHmac(alg, opts.key)
      .update(coveredBytes(msg, msg.length, 4 + size))
      .digest();
    append(opts.sha256 ? ATTR.MESSAGE_INTEGRITY_SHA256 : ATTR.MESSAGE_INTEGRITY, mac);
  }
  if (opts.fingerprint) {
    const fp = Buffer.alloc(4);
    fp.writeUInt32BE((crc32(coveredBytes(msg, msg.length, 8)) ^ FINGERPRINT_XOR) >>> 0, 0);
    append(ATTR.FINGERPRINT, fp);
  }
  return msg;
}
