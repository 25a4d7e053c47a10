import { isIP } from 'node:net';
import { CmsDoctorError } from '@cms-doctor/core';
import { ATTR, ATTR_SHAPES, ERROR_REASONS, MAGIC_COOKIE, attrName } from './constants.js';
import { findAttribute, type RawAttribute, type StunMessage } from './message.js';

export interface TransportAddress {
  family: 4 | 6;
  address: string;
  port: number;
}

const fail = (message: string, a: RawAttribute, field: string): CmsDoctorError =>
  new CmsDoctorError('CMSD_PARSE', message, { place: { offset: a.offset, field } });

export function ipToString(bytes: Buffer, family: 4 | 6): string {
  if (family === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // Compress the longest run of zero groups, as RFC 5952 asks.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function ipToBytes(address: string): Buffer {
  const v = isIP(address);
  if (v === 4) return Buffer.from(address.split('.').map(Number));
  if (v !== 6) throw new CmsDoctorError('CMSD_INTERNAL', `not an IP address: ${address}`);
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const parse = (s: string): number[] =>
    s === ''
      ? []
      : s.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d]; // an embedded IPv4 tail (::ffff:1.2.3.4)
        });
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  const groups = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

/** MAPPED-ADDRESS style: 0, family, port, address. */
export function readAddress(a: RawAttribute): TransportAddress {
  const v = a.value;
  if (v.length < 4) throw fail('address attribute shorter than 4 bytes', a, attrName(a.type));
  const fam = v[1];
  const port = v.readUInt16BE(2);
  if (fam === 0x01 && v.length >= 8) return { family: 4, address: ipToString(v.subarray(4, 8), 4), port };
  if (fam === 0x02 && v.length >= 20) return { family: 6, address: ipToString(v.subarray(4, 20), 6), port };
  throw fail(`address family 0x${(fam ?? 0).toString(16)} with ${v.length} bytes`, a, attrName(a.type));
}

/** XOR-*-ADDRESS: port XOR the cookie's top half, address XOR cookie (+ transaction id for IPv6). */
export function readXorAddress(a: RawAttribute, transactionId: Buffer): TransportAddress {
  const plain = readAddress(a);
  const mask = Buffer.alloc(16);
  mask.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.subarray(-12).copy(mask, 4);
  const raw = a.value.subarray(4, plain.family === 4 ? 8 : 20);
  const bytes = Buffer.from(raw.map((b, i) => b ^ mask[i]!));
  return { family: plain.family, address: ipToString(bytes, plain.family), port: plain.port ^ (MAGIC_COOKIE >>> 16) };
}

export function addressValue(addr: { address: string; port: number }, xorWith?: Uint8Array): Buffer {
  const ip = ipToBytes(addr.address);
  const v = Buffer.alloc(4 + ip.length);
  v[1] = ip.length === 4 ? 0x01 : 0x02;
  if (xorWith) {
    const mask = Buffer.alloc(16);
    mask.writeUInt32BE(MAGIC_COOKIE, 0);
    Buffer.from(xorWith).copy(mask, 4);
    v.writeUInt16BE(addr.port ^ (MAGIC_COOKIE >>> 16), 2);
    ip.forEach((b, i) => (v[4 + i] = b ^ mask[i]!));
  } else {
    v.writeUInt16BE(addr.port, 2);
    ip.copy(v, 4);
  }
  return v;
}

export interface ErrorCodeValue {
  code: number;
  reason: string;
}

/** ERROR-CODE: class in bits 8-10, number 0-99; the reason phrase loses trailing NULs (coturn sends one). */
export function readErrorCode(a: RawAttribute): ErrorCodeValue {
  const v = a.value;
  if (v.length < 4) throw fail(`ERROR-CODE shorter than 4 bytes (${v.length})`, a, 'ERROR-CODE');
  const cls = v[2]! & 0x07;
  const num = v[3]!;
  if (num > 99) throw fail(`ERROR-CODE number ${num} above 99`, a, 'ERROR-CODE');
  const reason = v.subarray(4).toString('utf8').replace(/\0+$/u, '');
  return { code: cls * 100 + num, reason };
}

export function errorCodeValue(code: number, reason = ERROR_REASONS.get(code)?.reason ?? ''): Buffer {
  const text = Buffer.from(reason, 'utf8');
  const v = Buffer.alloc(4 + text.length);
  v[2] = Math.floor(code / 100) & 0x07;
  v[3] = code % 100;
  text.copy(v, 4);
  return v;
}

export const u32Value = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
};
/** REQUESTED-TRANSPORT: protocol number in the first byte, then RFFU. */
export const transportValue = (protocol: number): Buffer => Buffer.from([protocol & 0xff, 0, 0, 0]);
export const stringValue = (s: string): Buffer => Buffer.from(s, 'utf8');

const readU32 = (a: RawAttribute): number => {
  if (a.value.length < 4) throw fail(`${attrName(a.type)} shorter than 4 bytes`, a, attrName(a.type));
  return a.value.readUInt32BE(0);
};

/** The facts of a response a prober acts on. */
export interface ResponseFacts {
  errorCode?: ErrorCodeValue;
  realm?: string;
  nonce?: string;
  software?: string;
  lifetime?: number;
  relayed?: TransportAddress;
  mapped?: TransportAddress;
  data?: Buffer;
  peer?: TransportAddress;
}

/** Reads the attributes a TURN client acts on; the first occurrence wins, as RFC 8489 says. */
export function readFacts(m: StunMessage): ResponseFacts {
  const out: ResponseFacts = {};
  const str = (t: number): string | undefined => findAttribute(m, t)?.value.toString('utf8');
  const err = findAttribute(m, ATTR.ERROR_CODE);
  if (err) out.errorCode = readErrorCode(err);
  const realm = str(ATTR.REALM);
  if (realm !== undefined) out.realm = realm;
  const nonce = str(ATTR.NONCE);
  if (nonce !== undefined) out.nonce = nonce;
  const software = str(ATTR.SOFTWARE);
  if (software !== undefined) out.software = software.replace(/\0+$/u, '');
  const life = findAttribute(m, ATTR.LIFETIME);
  if (life) out.lifetime = readU32(life);
  const relayed = findAttribute(m, ATTR.XOR_RELAYED_ADDRESS);
  if (relayed) out.relayed = readXorAddress(relayed, m.transactionId);
  const xmapped = findAttribute(m, ATTR.XOR_MAPPED_ADDRESS);
  const mapped = findAttribute(m, ATTR.MAPPED_ADDRESS);
  if (xmapped) out.mapped = readXorAddress(xmapped, m.transactionId);
  else if (mapped) out.mapped = readAddress(mapped);
  const data = findAttribute(m, ATTR.DATA);
  if (data) out.data = data.value;
  const peer = findAttribute(m, ATTR.XOR_PEER_ADDRESS);
  if (peer) out.peer = readXorAddress(peer, m.transactionId);
  return out;
}

/** JSON-safe view of one attribute for evidence. Integrity values and passwords are never included. */
export function describeAttribute(a: RawAttribute, m: StunMessage): { type: string; value?: unknown; length: number } {
  const base = { type: attrName(a.type), length: a.value.length };
  try {
    switch (ATTR_SHAPES.get(a.type)) {
      case 'secret':
        return base;
      case 'address': {
        const x = readAddress(a);
        return { ...base, value: `${fmtAddress(x)}` };
      }
      case 'xor-address': {
        const x = readXorAddress(a, m.transactionId);
        return { ...base, value: fmtAddress(x) };
      }
      case 'string':
        return { ...base, value: a.value.toString('utf8').replace(/\0+$/u, '') };
      case 'u32':
        return { ...base, value: readU32(a) };
      case 'u64':
        return { ...base, value: a.value.length >= 8 ? a.value.readBigUInt64BE(0).toString() : a.value.toString('hex') };
      case 'error-code':
        return { ...base, value: readErrorCode(a) };
      case 'transport':
        return { ...base, value: a.value[0] === 17 ? 'udp' : a.value[0] === 6 ? 'tcp' : a.value[0] };
      case 'channel':
        return { ...base, value: a.value.length >= 2 ? `0x${a.value.readUInt16BE(0).toString(16)}` : undefined };
      case 'family':
        return { ...base, value: a.value[0] === 1 ? 'ipv4' : a.value[0] === 2 ? 'ipv6' : a.value[0] };
      case 'unknown-attributes': {
        const types: string[] = [];
        for (let i = 0; i + 1 < a.value.length; i += 2) types.push(attrName(a.value.readUInt16BE(i)));
        return { ...base, value: types };
      }
      case 'empty':
        return base;
      case 'bytes':
        return a.type === ATTR.DATA ? base : { ...base, value: a.value.subarray(0, 32).toString('hex') };
      default:
        return { ...base, value: a.value.subarray(0, 32).toString('hex') };
    }
  } catch (e) {
    return { ...base, value: `unreadable: ${(e as Error).message}` };
  }
}

export const fmtAddress = (x: { address: string; port: number }): string =>
  x.address.includes(':') ? `[${x.address}]:${x.port}` : `${x.address}:${x.port}`;
