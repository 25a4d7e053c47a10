// ipToString (codec/attributes) is the reference for ipv6String below; the tests compare them.

/** Link, network and transport layers of a captured packet, down to the UDP/TCP payload. */

export interface TransportSegment {
  protocol: 'udp' | 'tcp';
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  payload: Buffer;
  /** TCP only. */
  seq?: number;
  syn?: boolean;
  fin?: boolean;
  rst?: boolean;
  /** The segment is the quoted original inside an ICMP error (port unreachable etc.). */
  icmp?: { type: number; code: number; version: 4 | 6 };
  /** UDP only: the payload length the UDP header announces (a quoted one may be cut short). */
  udpLength?: number;
}

export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  RAW_OLD: 12,
  RAW_OLD2: 14,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;

/**
 * Where the layers of one frame sit in the buffer that holds it: absolute offsets, no copies
 * and no views. One instance is filled again for every packet, so decoding allocates nothing.
 */
export class TransportLocation {
  /** 17 (UDP) or 6 (TCP). */
  proto = 0;
  v6 = false;
  /** Offset of the source address; the destination follows it (4 or 16 bytes later). */
  srcAt = 0;
  srcPort = 0;
  dstPort = 0;
  payloadStart = 0;
  payloadEnd = 0;
  /** TCP only; as a signed 32-bit number (a u32 above 2^31 would change the field's representation). */
  seq = 0;
  flags = 0;
  /** UDP only: the length its header announces minus 8. */
  udpLength = 0;
  /** 0 when the segment is not quoted in an ICMP error. */
  icmpVersion: 0 | 4 | 6 = 0;
  icmpType = 0;
  icmpCode = 0;
}

const u16 = (b: Buffer, o: number): number => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Buffer, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

export const ipv4String = (b: Buffer, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
/** RFC 5952 text of the 16 bytes at `o` (same output as ipToString), without intermediate arrays. */
export function ipv6String(b: Buffer, o: number): string {
  // The longest run of two or more zero groups is written `::` (the first such run on a tie).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (b[o + 2 * i] !== 0 || b[o + 2 * i + 1] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && b[o + 2 * j] === 0 && b[o + 2 * j + 1] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += ((b[o + 2 * i]! << 8) | b[o + 2 * i + 1]!).toString(16);
  }
  return out;
}

/**
 * Fills `out` with the UDP/TCP layer of the frame `buf[start, end)`; false for other traffic
 * and for anything truncated. Every read is bounded by `end`, never by the buffer, because the
 * buffer holds the following records too.
 */
export function locateTransport(linkType: number, buf: Buffer, start: number, end: number, out: TransportLocation): boolean {
  let at: number;
  let proto: number;
  const len = end - start;
  switch (linkType) {
    case LINKTYPE.ETHERNET: {
      if (len < 14) return false;
      at = start + 12;
      proto = u16(buf, at);
      // 802.1Q / 802.1ad / QinQ tags, possibly stacked.
      while ((proto === 0x8100 || proto === 0x88a8 || proto === 0x9100) && end >= at + 6) {
        at += 4;
        proto = u16(buf, at);
      }
      at += 2;
      break;
    }
    case LINKTYPE.LINUX_SLL:
      if (len < 16) return false;
      proto = u16(buf, start + 14);
      at = start + 16;
      break;
    case LINKTYPE.LINUX_SLL2:
      if (len < 20) return false;
      proto = u16(buf, start);
      at = start + 20;
      break;
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP: {
      if (len < 4) return false;
      // NULL stores the family in the capturing host's byte order; LOOP in network order.
      const be = u32(buf, start);
      const fam =
        linkType === LINKTYPE.LOOP || buf[start] === 0
          ? be
          : ((buf[start + 3]! << 24) | (buf[start + 2]! << 16) | (buf[start + 1]! << 8) | buf[start]!) >>> 0;
      if (fam === 2) proto = 0x0800;
      else if (fam === 10 || fam === 24 || fam === 28 || fam === 30) proto = 0x86dd;
      else return false;
      at = start + 4;
      break;
    }
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_OLD:
    case LINKTYPE.RAW_OLD2:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6: {
      const v = len > 0 ? buf[start]! >> 4 : 0;
      if (v === 4) proto = 0x0800;
      else if (v === 6) proto = 0x86dd;
      else return false;
      at = start;
      break;
    }
    default:
      return false;
  }
  out.icmpVersion = 0;
  return locateIp(buf, proto, at, end, 0, out);
}

function locateIp(d: Buffer, netProto: number, at: number, end: number, depth: number, out: TransportLocation): boolean {
  let proto: number;
  let srcAt: number;
  let v6 = false;
  if (netProto === 0x0800) {
    if (end < at + 20 || d[at]! >> 4 !== 4) return false;
    const ihl = (d[at]! & 0x0f) * 4;
    const total = u16(d, at + 2);
    // Non-first fragments carry no transport header.
    if ((u16(d, at + 6) & 0x1fff) !== 0) return false;
    proto = d[at + 9]!;
    srcAt = at + 12;
    if (total >= ihl) end = Math.min(end, at + total);
    at += ihl;
  } else if (netProto === 0x86dd) {
    if (end < at + 40 || d[at]! >> 4 !== 6) return false;
    const payloadLen = u16(d, at + 4);
    proto = d[at + 6]!;
    srcAt = at + 8;
    v6 = true;
    if (payloadLen > 0) end = Math.min(end, at + 40 + payloadLen);
    at += 40;
    // Extension headers: hop-by-hop, routing, destination options, fragment.
    for (let i = 0; i < 8 && (proto === 0 || proto === 43 || proto === 60 || proto === 44); i++) {
      if (end < at + 8) return false;
      if (proto === 44 && (u16(d, at + 2) & 0xfff8) !== 0) return false;
      const next = d[at]!;
      at += proto === 44 ? 8 : (d[at + 1]! + 1) * 8;
      proto = next;
    }
  } else {
    return false;
  }
  // ICMP errors quote the offending IP packet: a port unreachable for STUN is evidence.
  if (at < end && ((proto === 1 && (d[at] === 3 || d[at] === 11)) || (proto === 58 && (d[at] === 1 || d[at] === 3)))) {
    if (end < at + 8 || depth > 0) return false;
    const innerAt = at + 8;
    const inner = innerAt < end && d[innerAt]! >> 4 === 6 ? 0x86dd : 0x0800;
    if (!locateIp(d, inner, innerAt, end, depth + 1, out)) return false;
    out.icmpVersion = proto === 1 ? 4 : 6;
    out.icmpType = d[at]!;
    out.icmpCode = d[at + 1]!;
    return true;
  }
  if (proto === 17) {
    if (end < at + 8) return false;
    const len = u16(d, at + 4);
    out.proto = 17;
    out.v6 = v6;
    out.srcAt = srcAt;
    out.srcPort = u16(d, at);
    out.dstPort = u16(d, at + 2);
    out.payloadStart = at + 8;
    out.payloadEnd = len >= 8 ? Math.min(end, at + len) : end;
    out.udpLength = len - 8;
    return true;
  }
  if (proto === 6) {
    if (end < at + 20) return false;
    const off = (d[at + 12]! >> 4) * 4;
    if (off < 20 || end < at + off) return false;
    out.proto = 6;
    out.v6 = v6;
    out.srcAt = srcAt;
    out.srcPort = u16(d, at);
    out.dstPort = u16(d, at + 2);
    out.seq = u32(d, at + 4) | 0;
    out.flags = d[at + 13]!;
    out.payloadStart = at + off;
    out.payloadEnd = end;
    return true;
  }
  return false;
}

const scratch = new TransportLocation();

/** Decodes one frame down to UDP/TCP. Truncated or foreign packets give undefined, never a throw. */
export function decodePacket(linkType: number, d: Buffer): TransportSegment | undefined {
  const l = scratch;
  if (!locateTransport(linkType, d, 0, d.length, l)) return undefined;
  const addr = l.v6 ? ipv6String : ipv4String;
  const seg: TransportSegment = {
    protocol: l.proto === 17 ? 'udp' : 'tcp',
    src: addr(d, l.srcAt),
    dst: addr(d, l.srcAt + (l.v6 ? 16 : 4)),
    srcPort: l.srcPort,
    dstPort: l.dstPort,
    payload: d.subarray(l.payloadStart, Math.max(l.payloadStart, l.payloadEnd)),
  };
  if (l.proto === 17) seg.udpLength = l.udpLength;
  else
    Object.assign(seg, {
      seq: l.seq >>> 0,
      syn: (l.flags & TCP_SYN) !== 0,
      fin: (l.flags & TCP_FIN) !== 0,
      rst: (l.flags & TCP_RST) !== 0,
    });
  if (l.icmpVersion !== 0) seg.icmp = { type: l.icmpType, code: l.icmpCode, version: l.icmpVersion };
  return seg;
}
