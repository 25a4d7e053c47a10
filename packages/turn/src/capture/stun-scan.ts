import { HEADER_LENGTH, MAGIC_COOKIE } from '../codec/constants.js';
import { decodeMessage, type StunMessage } from '../codec/message.js';
import type { CapturedPacket } from './pcap-reader.js';
import { decodePacket, type TransportSegment } from './packet.js';

export const STUN_PORT = 3478;

export interface CapturedStun {
  frame: number;
  time: number;
  protocol: 'udp' | 'tcp';
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  /** `classic`: RFC 3489 without the magic cookie, recognised on port 3478 only. */
  kind: 'stun' | 'classic';
  /** Quoted inside an ICMP error: the datagram did not reach its destination port. */
  icmp?: { type: number; code: number; version: 4 | 6 };
  /** The header's message type, known even when the body does not decode. */
  type: number;
  /** Undefined when the header looked like STUN but the attributes did not decode. */
  message?: StunMessage;
  error?: string;
}

export interface ScanCounts {
  packets: number;
  /** Frames carrying at least one complete STUN message or ChannelData (what `tshark -Y stun` lists). */
  stunFrames: number;
  /** STUN messages with the magic cookie (tshark's `stun`); ChannelData and classic not. */
  stunMessages: number;
  /** RFC 3489 messages without the cookie on port 3478 (tshark's `classicstun`). */
  classic: number;
  /** STUN quoted in ICMP errors (counted in stunMessages too, as tshark does). */
  icmp: number;
  channelData: number;
  malformed: number;
  tcpGaps: number;
}

const u16 = (b: Buffer, o: number): number => (b[o]! << 8) | b[o + 1]!;
const hasCookie = (b: Buffer): boolean => b.length >= 8 && b.readUInt32BE(4) === MAGIC_COOKIE;

/** ChannelData fills a datagram exactly (or with padding to 4), as Wireshark requires. */
function channelDataFits(b: Buffer, stream: boolean): boolean {
  if (b.length < 4) return false;
  const type = u16(b, 0);
  if ((type & 0xc000) === 0 || type === 0xffff) return false;
  const len = u16(b, 2) + 4;
  const padded = (len + 3) & ~3;
  return stream ? b.length >= padded : b.length === len || b.length === padded;
}

const flowKey = (s: TransportSegment): string => `${s.protocol} ${s.src} ${s.srcPort} ${s.dst} ${s.dstPort}`;
/** Both directions of a conversation share a key. */
const conversationKey = (s: TransportSegment): string => {
  const a = `${s.src} ${s.srcPort}`;
  const b = `${s.dst} ${s.dstPort}`;
  return `${s.protocol} ${a < b ? `${a} ${b}` : `${b} ${a}`}`;
};

interface TcpStream {
  nextSeq: number;
  buf: Buffer;
  stun: boolean;
  /** RFC 4571 puts a 2-byte length before each message (ICE-TCP, some TURN clients). */
  framing: 'plain' | 'rfc4571';
}

/** A segment that starts `length(2) + STUN with cookie` whose length agrees with the STUN header. */
const rfc4571Start = (b: Buffer): boolean =>
  b.length >= 2 + HEADER_LENGTH && (b[2]! & 0xc0) === 0 && b.readUInt32BE(6) === MAGIC_COOKIE && u16(b, 0) === HEADER_LENGTH + u16(b, 4);

const MAX_TCP_BUFFER = 1 << 16;
const MAX_TRACKED = 65_536;

/**
 * Finds STUN in captured packets: by the magic cookie on any port, classic RFC 3489 STUN
 * on port 3478, ChannelData on conversations already seen carrying STUN (or port 3478),
 * and STUN over TCP reassembled in sequence order and split by header length.
 * State per flow is bounded, so memory stays flat however long the capture.
 */
export class StunScanner {
  readonly counts: ScanCounts = { packets: 0, stunFrames: 0, stunMessages: 0, classic: 0, icmp: 0, channelData: 0, malformed: 0, tcpGaps: 0 };
  private readonly stunConversations = new Set<string>();
  private readonly tcp = new Map<string, TcpStream>();

  constructor(private readonly onMessage: (m: CapturedStun) => void) {}

  push(p: CapturedPacket): void {
    this.counts.packets++;
    let seg: TransportSegment | undefined;
    try {
      seg = decodePacket(p.linkType, p.data);
    } catch {
      return; // truncated headers: not ours to judge
    }
    if (!seg || seg.payload.length === 0) {
      if (seg?.protocol === 'tcp') this.trackTcp(seg);
      return;
    }
    const found = seg.icmp ? this.quoted(p, seg) : seg.protocol === 'udp' ? this.udp(p, seg) : this.tcpSegment(p, seg);
    if (found) this.counts.stunFrames++;
  }

  private emit(p: CapturedPacket, seg: TransportSegment, bytes: Buffer, kind: 'stun' | 'classic'): void {
    if (kind === 'classic') this.counts.classic++;
    else this.counts.stunMessages++;
    const base: CapturedStun = { frame: p.frame, time: p.time, protocol: seg.protocol, src: seg.src, srcPort: seg.srcPort, dst: seg.dst, dstPort: seg.dstPort, kind, type: u16(bytes, 0) };
    if (seg.icmp) {
      this.counts.icmp++;
      base.icmp = seg.icmp;
      if (bytes.length < HEADER_LENGTH + u16(bytes, 2)) {
        base.error = 'quoted in ICMP, cut short';
        this.onMessage(base);
        return;
      }
    }
    try {
      // Copied: the reader reuses nothing, but pairing keeps messages past this packet.
      base.message = decodeMessage(Buffer.from(bytes), { classic: kind === 'classic', lenientLength: true });
    } catch (e) {
      this.counts.malformed++;
      base.error = (e as Error).message;
    }
    this.onMessage(base);
  }

  private remember(seg: TransportSegment): void {
    if (this.stunConversations.size >= MAX_TRACKED) this.stunConversations.clear();
    this.stunConversations.add(conversationKey(seg));
  }

  /** STUN quoted in an ICMP error; the quote may be cut short, so the UDP length decides. */
  private quoted(p: CapturedPacket, seg: TransportSegment): boolean {
    const b = seg.payload;
    if (seg.protocol !== 'udp' || b.length < 8 || (b[0]! & 0xc0) !== 0 || !hasCookie(b)) return false;
    if (seg.udpLength !== HEADER_LENGTH + u16(b, 2)) return false;
    this.emit(p, seg, b, 'stun');
    return true;
  }

  private udp(p: CapturedPacket, seg: TransportSegment): boolean {
    const b = seg.payload;
    const onPort = seg.srcPort === STUN_PORT || seg.dstPort === STUN_PORT;
    if (b.length >= HEADER_LENGTH && (b[0]! & 0xc0) === 0 && HEADER_LENGTH + u16(b, 2) === b.length) {
      if (hasCookie(b)) {
        this.remember(seg);
        this.emit(p, seg, b, 'stun');
        return true;
      }
      if (onPort) {
        this.emit(p, seg, b, 'classic');
        return false; // tshark lists these as classicstun, not stun
      }
    }
    if (channelDataFits(b, false) && (onPort || this.stunConversations.has(conversationKey(seg)))) {
      this.counts.channelData++;
      return true;
    }
    return false;
  }

  private trackTcp(seg: TransportSegment): void {
    if (seg.syn || seg.fin || seg.rst) this.tcp.delete(flowKey(seg));
  }

  private tcpSegment(p: CapturedPacket, seg: TransportSegment): boolean {
    const key = flowKey(seg);
    const seq = seg.seq ?? 0;
    let st = this.tcp.get(key);
    let data = seg.payload;
    if (st && st.stun) {
      const diff = (seq - st.nextSeq) | 0;
      if (diff < 0) {
        // Retransmission or overlap: keep only bytes not seen yet.
        if (-diff >= data.length) return false;
        data = data.subarray(-diff);
      } else if (diff > 0) {
        this.counts.tcpGaps++; // lost bytes: resynchronise on this segment
        st = undefined;
        this.tcp.delete(key);
      }
    }
    if (!st || !st.stun) {
      // A stream is STUN when a segment starts with a STUN header (cookie, or classic on 3478).
      const onPort = seg.srcPort === STUN_PORT || seg.dstPort === STUN_PORT;
      const looksStun = data.length >= 8 && (data[0]! & 0xc0) === 0 && (hasCookie(data) || (onPort && data.length >= HEADER_LENGTH));
      const looksChannel = onPort && channelDataFits(data, true);
      const framed = !looksStun && rfc4571Start(data);
      if (!looksStun && !looksChannel && !framed) return false;
      if (this.tcp.size >= MAX_TRACKED) this.tcp.clear();
      st = { nextSeq: seq, buf: Buffer.alloc(0), stun: true, framing: framed ? 'rfc4571' : 'plain' };
      this.tcp.set(key, st);
    }
    st.nextSeq = (seq + seg.payload.length) >>> 0;
    st.buf = st.buf.length === 0 ? data : Buffer.concat([st.buf, data]);
    let found = false;
    for (;;) {
      const b = st.buf;
      if (st.framing === 'rfc4571') {
        if (b.length < 2 || b.length < 2 + u16(b, 0)) break;
        const size = 2 + u16(b, 0);
        const inner = b.subarray(2, size);
        if (inner.length >= HEADER_LENGTH && (inner[0]! & 0xc0) === 0 && HEADER_LENGTH + u16(inner, 2) === inner.length && hasCookie(inner)) {
          this.remember(seg);
          this.emit(p, seg, inner, 'stun');
          found = true;
        }
        st.buf = b.subarray(size);
        continue;
      }
      if (b.length < 4) break;
      let size: number;
      let kind: 'stun' | 'classic' | 'channel';
      if ((b[0]! & 0xc0) === 0) {
        if (b.length < HEADER_LENGTH) break;
        size = HEADER_LENGTH + u16(b, 2);
        kind = hasCookie(b) ? 'stun' : 'classic';
      } else if (channelDataFits(b, true)) {
        size = (u16(b, 2) + 4 + 3) & ~3;
        kind = 'channel';
      } else {
        st.stun = false; // lost framing: wait for a segment that starts a message
        st.buf = Buffer.alloc(0);
        break;
      }
      if (b.length < size) {
        if (b.length > MAX_TCP_BUFFER) { st.stun = false; st.buf = Buffer.alloc(0); }
        break;
      }
      if (kind === 'channel') this.counts.channelData++;
      else {
        if (kind === 'stun') this.remember(seg);
        this.emit(p, seg, b.subarray(0, size), kind);
      }
      found = true;
      st.buf = b.subarray(size);
    }
    if (st.buf.length > 0) st.buf = Buffer.from(st.buf); // do not pin the reader's chunk
    if (seg.fin || seg.rst) this.tcp.delete(key);
    return found;
  }
}
