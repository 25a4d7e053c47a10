import { ipToString } from '../codec/attributes.js';

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

export const LINKTYPE = { NULL: 0, ETHERNET: 1, RAW: 101, RAW_OLD: 12, RAW_OLD2: 14, LOOP: 108, LINUX_SLL: 113, IPV4: 228, IPV6: 229, LINUX_SLL2: 276 } as const;

const ipv4 = (b: Buffer, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
const ipv6 = (b: Buffer, o: number): string => ipToString(b.subarray(o, o + 16), 6);

/** Source and destination address strings, built on first use. */
class LazyAddresses {
  private s?: string;
  private t?: string;
  constructor(private readonly d: Buffer, private readonly at: number, private readonly v6: boolean) {}
  get src(): string {
    return (this.s ??= this.v6 ? ipv6(this.d, this.at) : ipv4(this.d, this.at));
  }
  get dst(): string {
    return (this.t ??= this.v6 ? ipv6(this.d, this.at + 16) : ipv4(this.d, this.at + 4));
  }
}

/** The network-layer bytes and their EtherType-style protocol, or undefined for other traffic. */
function network(linkType: number, d: Buffer): { proto: number; at: number } | undefined {
  switch (linkType) {
    case LINKTYPE.ETHERNET: {
      let at = 12;
      if (d.length < 14) return undefined;
      let type = d.readUInt16BE(at);
      // 802.1Q / 802.1ad / QinQ tags, possibly stacked.
      while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && d.length >= at + 6) {
        at += 4;
        type = d.readUInt16BE(at);
      }
      return { proto: type, at: at + 2 };
    }
    case LINKTYPE.LINUX_SLL:
      return d.length >= 16 ? { proto: d.readUInt16BE(14), at: 16 } : undefined;
    case LINKTYPE.LINUX_SLL2:
      return d.length >= 20 ? { proto: d.readUInt16BE(0), at: 20 } : undefined;
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP: {
      if (d.length < 4) return undefined;
      // NULL stores the family in the capturing host's byte order; LOOP in network order.
      const fam = linkType === LINKTYPE.LOOP ? d.readUInt32BE(0) : d[0] !== 0 ? d.readUInt32LE(0) : d.readUInt32BE(0);
      if (fam === 2) return { proto: 0x0800, at: 4 };
      if (fam === 10 || fam === 24 || fam === 28 || fam === 30) return { proto: 0x86dd, at: 4 };
      return undefined;
    }
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_OLD:
    case LINKTYPE.RAW_OLD2:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6: {
      const v = (d[0] ?? 0) >> 4;
      return v === 4 ? { proto: 0x0800, at: 0 } : v === 6 ? { proto: 0x86dd, at: 0 } : undefined;
    }
    default:
      return undefined;
  }
}

/** Decodes one frame down to UDP/TCP. Truncated or foreign packets give undefined, never a throw. */
export function decodePacket(linkType: number, d: Buffer): TransportSegment | undefined {
  const net = network(linkType, d);
  return net ? decodeIp(d, net.proto, net.at, 0) : undefined;
}

function decodeIp(d: Buffer, netProto: number, start: number, depth: number): TransportSegment | undefined {
  const net = { proto: netProto, at: start };
  let at = net.at;
  let proto: number;
  // Addresses become strings only when asked for: most packets are not STUN.
  let srcAt: number;
  let v6 = false;
  let end = d.length;
  if (net.proto === 0x0800) {
    if (d.length < at + 20 || d[at]! >> 4 !== 4) return undefined;
    const ihl = (d[at]! & 0x0f) * 4;
    const total = d.readUInt16BE(at + 2);
    // Non-first fragments carry no transport header.
    if ((d.readUInt16BE(at + 6) & 0x1fff) !== 0) return undefined;
    proto = d[at + 9]!;
    srcAt = at + 12;
    if (total >= ihl) end = Math.min(end, at + total);
    at += ihl;
  } else if (net.proto === 0x86dd) {
    if (d.length < at + 40 || d[at]! >> 4 !== 6) return undefined;
    const payloadLen = d.readUInt16BE(at + 4);
    proto = d[at + 6]!;
    srcAt = at + 8;
    v6 = true;
    if (payloadLen > 0) end = Math.min(end, at + 40 + payloadLen);
    at += 40;
    // Extension headers: hop-by-hop, routing, destination options, fragment.
    for (let i = 0; i < 8 && (proto === 0 || proto === 43 || proto === 60 || proto === 44); i++) {
      if (d.length < at + 8) return undefined;
      if (proto === 44 && (d.readUInt16BE(at + 2) & 0xfff8) !== 0) return undefined;
      const next = d[at]!;
      at += proto === 44 ? 8 : (d[at + 1]! + 1) * 8;
      proto = next;
    }
  } else {
    return undefined;
  }
  // ICMP errors quote the offending IP packet: a port unreachable for STUN is evidence.
  if ((proto === 1 && (d[at] === 3 || d[at] === 11)) || (proto === 58 && (d[at] === 1 || d[at] === 3))) {
    if (end < at + 8 || depth > 0) return undefined;
    const inner = decodeIp(d.subarray(at + 8, end), d[at + 8]! >> 4 === 6 ? 0x86dd : 0x0800, 0, depth + 1);
    if (inner) inner.icmp = { type: d[at]!, code: d[at + 1]!, version: proto === 1 ? 4 : 6 };
    return inner;
  }
  const addrs = new LazyAddresses(d, srcAt, v6);
  if (proto === 17) {
    if (end < at + 8) return undefined;
    const len = d.readUInt16BE(at + 4);
    const stop = len >= 8 ? Math.min(end, at + len) : end;
    return Object.assign(addrs, { protocol: 'udp' as const, srcPort: d.readUInt16BE(at), dstPort: d.readUInt16BE(at + 2), payload: d.subarray(at + 8, stop), udpLength: len - 8 });
  }
  if (proto === 6) {
    if (end < at + 20) return undefined;
    const off = (d[at + 12]! >> 4) * 4;
    if (off < 20 || end < at + off) return undefined;
    const flags = d[at + 13]!;
    return Object.assign(addrs, {
      protocol: 'tcp' as const, srcPort: d.readUInt16BE(at), dstPort: d.readUInt16BE(at + 2),
      seq: d.readUInt32BE(at + 4), syn: (flags & 0x02) !== 0, fin: (flags & 0x01) !== 0, rst: (flags & 0x04) !== 0,
      payload: d.subarray(at + off, end),
    });
  }
  return undefined;
}
