import { CmsDoctorError } from '@cms-doctor/core';
import { HEADER_LENGTH, MAGIC_COOKIE, messageType, splitMessageType, type StunClass } from './constants.js';

/** One attribute as it sat in the message: `offset` is where its 4-byte header starts. */
export interface RawAttribute {
  type: number;
  value: Buffer;
  offset: number;
}

export interface StunMessage {
  type: number;
  method: number;
  cls: StunClass;
  /** Header length field: bytes after the 20-byte header. */
  length: number;
  /** False for RFC 3489 messages, whose 16-byte transaction id has no magic cookie. */
  hasCookie: boolean;
  /** 12 bytes (RFC 5389) or 16 bytes (RFC 3489, the cookie position included). */
  transactionId: Buffer;
  attributes: RawAttribute[];
  /** Exactly the bytes received: integrity and fingerprint are verified over these. */
  raw: Buffer;
}

export interface DecodeOptions {
  /** Accept a message without the magic cookie (RFC 3489). Default false. */
  classic?: boolean;
  /** Accept a length that is not a multiple of 4 (MS-TURN does that). Default false. */
  lenientLength?: boolean;
  /**
   * Attributes follow each other without padding to 4 bytes, as MS-TURN (Lync/Skype/Teams
   * edge servers) writes them. Default false.
   */
  unpadded?: boolean;
}

const parseError = (message: string, offset: number, field: string): CmsDoctorError =>
  new CmsDoctorError('CMSD_PARSE', message, { place: { offset, field } });

/** The total size a STUN header announces, or undefined when `buf` does not start like STUN. */
export function stunFrameLength(buf: Uint8Array): number | undefined {
  if (buf.length < 4 || (buf[0]! & 0xc0) !== 0) return undefined;
  return HEADER_LENGTH + ((buf[2]! << 8) | buf[3]!);
}

/**
 * Decodes one STUN message occupying all of `input`. Every malformation is a
 * CmsDoctorError 'CMSD_PARSE' naming the offset and field; nothing else is thrown.
 */
export function decodeMessage(input: Uint8Array, opts: DecodeOptions = {}): StunMessage {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length < HEADER_LENGTH) throw parseError(`STUN message shorter than its header (${buf.length} bytes)`, 0, 'header');
  const type = buf.readUInt16BE(0);
  if ((type & 0xc000) !== 0) throw parseError('first two bits of a STUN message must be zero', 0, 'type');
  const length = buf.readUInt16BE(2);
  if (!opts.lenientLength && length % 4 !== 0) throw parseError(`message length ${length} is not a multiple of 4`, 2, 'length');
  if (HEADER_LENGTH + length !== buf.length) {
    throw parseError(`message length ${length} does not match the ${buf.length - HEADER_LENGTH} bytes after the header`, 2, 'length');
  }
  const hasCookie = buf.readUInt32BE(4) === MAGIC_COOKIE;
  if (!hasCookie && !opts.classic) throw parseError('magic cookie missing', 4, 'cookie');
  const { method, cls } = splitMessageType(type);
  const attributes: RawAttribute[] = [];
  let at = HEADER_LENGTH;
  while (at < buf.length) {
    if (at + 4 > buf.length) throw parseError('attribute header runs past the message', at, 'attribute');
    const atype = buf.readUInt16BE(at);
    const alen = buf.readUInt16BE(at + 2);
    if (at + 4 + alen > buf.length)
      throw parseError(`attribute 0x${atype.toString(16)} length ${alen} runs past the message`, at, 'attribute');
    attributes.push({ type: atype, value: buf.subarray(at + 4, at + 4 + alen), offset: at });
    // Padding may be cut short only by a lenient (non multiple-of-4) final attribute.
    at = Math.min(buf.length, at + 4 + (opts.unpadded ? alen : (alen + 3) & ~3));
  }
  return {
    type,
    method,
    cls,
    length,
    hasCookie,
    transactionId: Buffer.from(buf.subarray(hasCookie ? 8 : 4, HEADER_LENGTH)),
    attributes,
    raw: buf,
  };
}

/** The transaction id as hex, the key for pairing requests with responses. */
export const transactionKey = (m: Pick<StunMessage, 'transactionId'>): string => m.transactionId.toString('hex');

export interface MessageSpec {
  method: number;
  cls: StunClass;
  /** 12 bytes. */
  transactionId: Uint8Array;
  attributes: readonly { type: number; value: Uint8Array }[];
}

/** Header + attributes with padding; integrity and fingerprint are appended by `finalize` in integrity.ts. */
export function encodeMessage(spec: MessageSpec): Buffer {
  if (spec.transactionId.length !== 12) throw new CmsDoctorError('CMSD_INTERNAL', 'a transaction id is 12 bytes');
  const parts: Buffer[] = [];
  for (const a of spec.attributes) {
    if (a.value.length > 0xffff) throw new CmsDoctorError('CMSD_INTERNAL', `attribute 0x${a.type.toString(16)} too long`);
    const head = Buffer.alloc(4);
    head.writeUInt16BE(a.type, 0);
    head.writeUInt16BE(a.value.length, 2);
    parts.push(head, Buffer.from(a.value), Buffer.alloc((4 - (a.value.length % 4)) % 4));
  }
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt16BE(messageType(spec.method, spec.cls), 0);
  header.writeUInt16BE(body.length, 2);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  Buffer.from(spec.transactionId).copy(header, 8);
  return Buffer.concat([header, body]);
}

export const findAttribute = (m: StunMessage, type: number): RawAttribute | undefined => m.attributes.find((a) => a.type === type);
