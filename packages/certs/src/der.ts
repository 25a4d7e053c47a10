import { CmsDoctorError } from '@cms-doctor/core';

/** One DER element: tag byte, where its content lies, and where the element ends. */
export interface Tlv {
  tag: number;
  /** Offset of the first content byte. */
  start: number;
  /** Offset just past the content (and the element). */
  end: number;
  /** Offset of the tag byte. */
  offset: number;
}

const parseError = (message: string, offset: number): CmsDoctorError =>
  new CmsDoctorError('CMSD_PARSE', `DER: ${message} at offset ${offset}`, { place: { offset } });

/**
 * Reads the element at `offset`. Only definite lengths (DER); high tag numbers are
 * refused because nothing in X.509, PKCS#7 or PKCS#12 at the levels we sniff uses them.
 */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw parseError('truncated header', offset);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw parseError('high tag number form not supported', offset);
  let len = buf[offset + 1]!;
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw parseError('indefinite length is not DER', offset);
    if (n > 4) throw parseError('length too long', offset);
    if (start + n > limit) throw parseError('truncated length', offset);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i]!;
    start += n;
  }
  const end = start + len;
  if (end > limit) throw parseError(`element of ${len} bytes runs past the end`, offset);
  return { tag, start, end, offset };
}

/** The children of a constructed element. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end;) {
    const t = readTlv(buf, at, parent.end);
    out.push(t);
    at = t.end;
  }
  return out;
}

/** Dotted OID from the content of an OBJECT IDENTIFIER element. */
export function oidOf(buf: Uint8Array, t: Tlv): string {
  if (t.tag !== 0x06) throw parseError('expected an OBJECT IDENTIFIER', t.offset);
  if (t.end === t.start) throw parseError('empty OBJECT IDENTIFIER', t.offset);
  const parts: number[] = [];
  let v = 0;
  for (let i = t.start; i < t.end; i++) {
    const b = buf[i]!;
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 256) throw parseError('OID arc too large', i);
    if ((b & 0x80) === 0) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** What a DER blob looks like from its outer structure, without a full parse. */
export type DerShape = 'x509' | 'pkcs7' | 'pkcs12' | 'unknown';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_DATA = '1.2.840.113549.1.7.1';

/**
 * Sniffs X.509 (SEQUENCE{SEQUENCE tbs, SEQUENCE alg, BIT STRING}), PKCS#7
 * (ContentInfo signedData) and PKCS#12 (PFX: INTEGER 3, ContentInfo data).
 * Never throws: a malformed blob is 'unknown'.
 */
export function sniffDer(buf: Uint8Array): DerShape {
  try {
    const outer = readTlv(buf, 0);
    if (outer.tag !== 0x30) return 'unknown';
    return shapeOf(buf, children(buf, outer), true);
  } catch {
    return 'unknown';
  }
}

/**
 * The same test on the first bytes of a file (a recogniser's head): the outer
 * element may run past the end, so only its leading children are read.
 */
export function sniffDerHead(head: Uint8Array): DerShape {
  try {
    if (head[0] !== 0x30) return 'unknown';
    const outer = readTlvHeader(head);
    const kids: Tlv[] = [];
    for (let at = outer.start; at < Math.min(outer.end, head.length) && kids.length < 3;) {
      const hdr = readTlvHeader(head, at);
      // Only the first child's content is needed (an OID or the PFX version); later ones may be cut.
      if (kids.length === 0 && hdr.end > head.length) {
        // A TBSCertificate longer than the head: X.509 if it starts with [0] version or the serial INTEGER.
        return hdr.tag === 0x30 && (head[hdr.start] === 0xa0 || head[hdr.start] === 0x02) ? 'x509' : 'unknown';
      }
      kids.push(hdr);
      at = hdr.end;
    }
    return shapeOf(head, kids, outer.end <= head.length);
  } catch {
    return 'unknown';
  }
}

function readTlvHeader(buf: Uint8Array, offset = 0): Tlv {
  // The header itself must be present; the content may run past the end of the head.
  if (offset + 2 > buf.length) throw parseError('truncated header', offset);
  const n = buf[offset + 1]! & 0x80 ? buf[offset + 1]! & 0x7f : 0;
  if (offset + 2 + n > buf.length) throw parseError('truncated length', offset);
  return readTlv(buf, offset, Number.MAX_SAFE_INTEGER);
}

function shapeOf(buf: Uint8Array, kids: Tlv[], complete: boolean): DerShape {
  const [a, b, c] = kids;
  if (!a || !b) return 'unknown';
  if (a.tag === 0x06 && oidOf(buf, a) === OID_SIGNED_DATA && b.tag === 0xa0) return 'pkcs7';
  if (a.tag === 0x02 && a.end - a.start === 1 && buf[a.start] === 3 && b.tag === 0x30) {
    if (b.start >= buf.length) return 'unknown';
    const ci = readTlvHeader(buf, b.start);
    if (ci.tag === 0x06 && ci.end <= buf.length && oidOf(buf, ci) === OID_DATA) return 'pkcs12';
    return 'unknown';
  }
  if (a.tag === 0x30 && b.tag === 0x30) {
    if (complete) return kids.length === 3 && c!.tag === 0x03 ? 'x509' : 'unknown';
    // Truncated: a TBSCertificate starts with [0] version or the serial INTEGER.
    if (a.start < buf.length && (buf[a.start] === 0xa0 || buf[a.start] === 0x02)) return 'x509';
  }
  return 'unknown';
}

/** Length of the first complete element (to cut trailing bytes, e.g. OpenSSL TRUSTED CERTIFICATE aux data). */
export const firstElementLength = (buf: Uint8Array): number => readTlv(buf, 0).end;
