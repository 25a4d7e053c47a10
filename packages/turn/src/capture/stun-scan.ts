/**
 * Finding STUN in captured packets. Design: docs/decisions/stun-capture-scan.md. The parts, by concept:
 * `stun-bytes.ts` recognises STUN and ChannelData in place, `stun-view.ts` is the lazy
 * message view given to the callback, `flow-keys.ts` hashes flows and conversations,
 * `tcp-flows.ts` holds the bounded TCP reassembly state.
 */
import { HEADER_LENGTH } from '../codec/constants.js';
import type { CapturedPacket } from './pcap-reader.js';
import { hashWords, identityWords, transactionHash } from './flow-keys.js';
import { locateTransport, TCP_FIN, TCP_RST, TCP_SYN, TransportLocation } from './packet.js';
import { attributeError, channelDataFits, cookieAt, FIRST_TWO_BITS, plausibleStun, rfc4571Start, u16, u32 } from './stun-bytes.js';
import { StunView, type CapturedStun } from './stun-view.js';
import { TcpFlows } from './tcp-flows.js';

export type { CapturedStun } from './stun-view.js';

export const STUN_PORT = 3478;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
/** RFC 4571 framing: a 2-byte length before each message. */
const RFC4571_LENGTH = 2;
/** The length of a ChannelData header (channel number, length). */
const CHANNEL_HEADER = 4;
/** The bytes of the 96-bit transaction id after the cookie, or of the 128-bit classic one. */
const CLASSIC_ID_WORDS = 4;

export interface ScanCounts {
  packets: number;
  /** Frames carrying at least one complete STUN message or ChannelData (what `tshark -Y stun` lists). */
  stunFrames: number;
  /** STUN messages with the magic cookie (tshark's `stun`); ChannelData and classic not. */
  stunMessages: number;
  /**
   * RFC 3489 messages without the cookie (tshark's `classicstun`): on port 3478 every one,
   * elsewhere requests and answers that pair by transaction id.
   */
  classic: number;
  /** STUN quoted in ICMP errors (counted in stunMessages too, as tshark does). */
  icmp: number;
  channelData: number;
  malformed: number;
  tcpGaps: number;
}

export interface ScannerOptions {
  /**
   * Which messages the callback wants, from the header alone. The others are still counted
   * and checked for malformation, but no object is made for them: on a large capture most
   * messages are ICE Binding checks that no finding needs.
   */
  wants?: (type: number, kind: 'stun' | 'classic') => boolean;
  /**
   * Called for every message (after `wants` would be) with what its header says: the type,
   * the transaction id as a number (`transactionHash`), whether it is quoted in an ICMP error.
   * Returns whether the callback still wants a view of it. Messages that are counted from
   * the header alone (the ICE Binding checks of a large capture, most of its messages) then
   * cost no object at all.
   */
  header?: (type: number, kind: 'stun' | 'classic', transactionHash: number, quoted: boolean) => boolean;
}

/**
 * RFC 3489 message types: Binding and Shared Secret requests, responses, error responses.
 * Off port 3478 these are only believed in pairs (see `classicOffPort`).
 */
const CLASSIC_REQUESTS = new Set([0x0001, 0x0002]);
const CLASSIC_ANSWERS = new Set([0x0101, 0x0111, 0x0102, 0x0112]);
/** Classic requests off port 3478 remembered while their answer may still come. */
const MAX_CLASSIC_PENDING = 4096;

/** Conversations remembered as carrying STUN (for ChannelData off port 3478); past that they start afresh. */
const MAX_TRACKED = 65_536;
/** A message cut across segments is at most 64 KiB; a flow holding more has lost its framing. */
const MAX_TCP_BUFFER = 1 << 16;
/** Packets between two sweeps of idle TCP flows (a power of two). */
const SWEEP_EVERY = 1 << 16;

/**
 * Finds STUN in captured packets: by the magic cookie on any port, classic RFC 3489 STUN
 * on port 3478 (elsewhere only as request/answer pairs), ChannelData on conversations already seen carrying STUN (or port 3478),
 * and STUN over TCP reassembled in sequence order and split by header length.
 *
 * Packets are read in place by offsets (`frame`), so a packet that is not STUN costs no
 * allocation. State is bounded: conversations and TCP flows are capped, idle flows evicted,
 * partial messages limited per flow and in total, so memory stays flat however long the capture.
 */
export class StunScanner {
  readonly counts: ScanCounts = {
    packets: 0,
    stunFrames: 0,
    stunMessages: 0,
    classic: 0,
    icmp: 0,
    channelData: 0,
    malformed: 0,
    tcpGaps: 0,
  };
  private readonly stunConversations = new Set<number>();
  /** Off-port classic requests by conversation and 128-bit transaction id; true once counted. */
  private readonly classicPending = new Map<number, boolean>();
  private readonly tcp = new TcpFlows();
  private readonly loc = new TransportLocation();
  /** Int32 so that storing a u32 never changes the array's element kind (a deopt). */
  private readonly words = new Int32Array(16);
  private readonly wants: ((type: number, kind: 'stun' | 'classic') => boolean) | undefined;
  private readonly header: ScannerOptions['header'];
  private frameNo = 0;
  // NaN, a double from the start: a field that begins as a small integer and later holds
  // a timestamp changes representation, which throws away optimised code.
  private frameTime = Number.NaN;
  private frameBuf: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onMessage: (m: CapturedStun) => void,
    opts: ScannerOptions = {},
  ) {
    this.wants = opts.wants;
    this.header = opts.header;
  }

  /** One captured packet as an object (copies nothing; `p.data` is read during the call). */
  push(p: CapturedPacket): void {
    this.frame(p.linkType, p.data, 0, p.data.length, p.frame, p.time);
  }

  /** One captured packet as `buf[start, start + length)`, read in place: fits `scanCapture`'s sink. */
  frame(linkType: number, buf: Buffer, start: number, length: number, frame: number, time: number): void {
    this.counts.packets++;
    if ((this.counts.packets & (SWEEP_EVERY - 1)) === 0) this.tcp.sweep(time);
    const l = this.loc;
    if (!locateTransport(linkType, buf, start, start + length, l)) return;
    this.frameBuf = buf;
    this.frameNo = frame;
    this.frameTime = time;
    let found: boolean;
    if (l.payloadEnd <= l.payloadStart) {
      if (l.proto === IPPROTO_TCP && (l.flags & (TCP_SYN | TCP_FIN | TCP_RST)) !== 0 && this.mayTrack()) this.tcp.drop(this.flowHash());
      return;
    }
    if (l.icmpVersion !== 0) found = this.quoted();
    else if (l.proto === IPPROTO_UDP) found = this.udp();
    else found = this.tcpSegment();
    if (found) this.counts.stunFrames++;
  }

  // ---- keys: numbers hashed from the header bytes, so looking up a flow allocates nothing ----

  private flowHash(): number {
    return hashWords(this.words, identityWords(this.frameBuf, this.loc, this.words, 'forward'));
  }
  private conversationHash(): number {
    return hashWords(this.words, identityWords(this.frameBuf, this.loc, this.words, 'sorted'));
  }

  private remember(): void {
    if (this.stunConversations.size >= MAX_TRACKED) this.stunConversations.clear();
    this.stunConversations.add(this.conversationHash());
  }

  // ---- messages ----

  private emit(b: Buffer, off: number, len: number, kind: 'stun' | 'classic'): void {
    const c = this.counts;
    const l = this.loc;
    if (kind === 'classic') c.classic++;
    else c.stunMessages++;
    let error: string | undefined;
    if (l.icmpVersion !== 0) {
      c.icmp++;
      if (len < HEADER_LENGTH + u16(b, off + 2)) error = 'quoted in ICMP, cut short';
    }
    let unpadded = false;
    if (error === undefined) {
      error = attributeError(b, off, len);
      // MS-TURN does not pad attributes: a list that fits exactly that way is read so.
      if (error !== undefined && attributeError(b, off, len, false) === undefined) {
        error = undefined;
        unpadded = true;
      }
      if (error !== undefined) c.malformed++;
    }
    const type = u16(b, off);
    if (this.wants && !this.wants(type, kind)) return;
    if (this.header && !this.header(type, kind, len < HEADER_LENGTH ? 0 : transactionHash(b, off, kind === 'stun'), l.icmpVersion !== 0))
      return;
    const v = new StunView(b, off, len, this.frameNo, this.frameTime, l, this.frameBuf, kind, type, error, unpadded);
    try {
      this.onMessage(v);
    } finally {
      v.release();
    }
  }

  /** STUN quoted in an ICMP error; the quote may be cut short, so the UDP length decides. */
  private quoted(): boolean {
    const { frameBuf: b, loc: l } = this;
    const o = l.payloadStart;
    const n = l.payloadEnd - o;
    if (l.proto !== IPPROTO_UDP || n < 8 || (b[o]! & FIRST_TWO_BITS) !== 0 || !cookieAt(b, o, n)) return false;
    if (l.udpLength !== HEADER_LENGTH + u16(b, o + 2)) return false;
    this.emit(b, o, n, 'stun');
    return true;
  }

  private udp(): boolean {
    const { frameBuf: b, loc: l } = this;
    const o = l.payloadStart;
    const n = l.payloadEnd - o;
    const onPort = l.srcPort === STUN_PORT || l.dstPort === STUN_PORT;
    if (n >= HEADER_LENGTH && (b[o]! & FIRST_TWO_BITS) === 0 && HEADER_LENGTH + u16(b, o + 2) === n) {
      if (cookieAt(b, o, n)) {
        if (!plausibleStun(b, o, n)) return false;
        this.remember();
        this.emit(b, o, n, 'stun');
        return true;
      }
      if (onPort) {
        this.emit(b, o, n, 'classic');
        return false; // tshark lists these as classicstun, not stun
      }
      this.classicOffPort(b, o, n);
    }
    if (channelDataFits(b, o, n, false) && (onPort || this.stunConversations.has(this.conversationHash()))) {
      this.counts.channelData++;
      return true;
    }
    return false;
  }

  /**
   * RFC 3489 STUN away from port 3478 has no magic cookie to go by, and a type and a length
   * match plenty of other UDP payloads (tshark's heuristic accepts those alone). Here a message
   * counts only when an answer carries the 128-bit transaction id of a request seen before in
   * the same conversation, both with well-formed attribute lists: random payloads do not pair.
   * The request is counted when its answer arrives; only the answer reaches the callback.
   */
  private classicOffPort(b: Buffer, o: number, n: number): void {
    const type = u16(b, o);
    const request = CLASSIC_REQUESTS.has(type);
    if (!request && !CLASSIC_ANSWERS.has(type)) return;
    if (attributeError(b, o, n) !== undefined) return;
    const w = this.words;
    const k = identityWords(b, this.loc, w, 'sorted');
    for (let i = 0; i < CLASSIC_ID_WORDS; i++) w[k + i] = u32(b, o + 4 + 4 * i) | 0;
    const key = hashWords(w, k + CLASSIC_ID_WORDS);
    if (request) {
      if (this.classicPending.has(key)) return;
      if (this.classicPending.size >= MAX_CLASSIC_PENDING) this.classicPending.delete(this.classicPending.keys().next().value!);
      this.classicPending.set(key, false);
      return;
    }
    const counted = this.classicPending.get(key);
    if (counted === undefined) return;
    if (!counted) {
      this.classicPending.set(key, true);
      this.counts.classic++; // the request, now that its answer proves it
    }
    this.emit(b, o, n, 'classic');
  }

  // ---- TCP: bounded reassembly ----

  private mayTrack(): boolean {
    return this.tcp.mayTrack(this.loc.srcPort, this.loc.dstPort);
  }

  private tcpSegment(): boolean {
    const { frameBuf: buf, loc: l } = this;
    const seq = l.seq;
    let ds = l.payloadStart;
    const de = l.payloadEnd;
    const segLength = de - ds;
    const tracked = this.mayTrack();
    let h = tracked ? this.flowHash() : 0;
    let st = tracked ? this.tcp.get(h) : undefined;
    if (st) {
      const diff = (seq - st.nextSeq) | 0;
      if (diff < 0) {
        // Retransmission or overlap: keep only bytes not seen yet.
        if (-diff >= segLength) return false;
        ds += -diff;
      } else if (diff > 0) {
        this.counts.tcpGaps++; // lost bytes: resynchronise on this segment
        this.tcp.drop(h);
        st = undefined;
      }
    }
    if (st) {
      // Most recently used goes last.
      this.tcp.touch(h, st);
    } else {
      // A stream is STUN when a segment starts with a STUN header (cookie, or classic on 3478).
      const n = de - ds;
      const onPort = l.srcPort === STUN_PORT || l.dstPort === STUN_PORT;
      // Off port 3478 the cookie alone does not make a stream STUN (TCP 80/443 carry anything).
      const looksStun = n >= 8 && (buf[ds]! & FIRST_TWO_BITS) === 0 && (plausibleStun(buf, ds, n) || (onPort && n >= HEADER_LENGTH));
      const looksChannel = onPort && channelDataFits(buf, ds, n, true);
      const framed = !looksStun && rfc4571Start(buf, ds, n);
      if (!looksStun && !looksChannel && !framed) return false;
      if (!tracked) h = this.flowHash();
      st = { srcPort: l.srcPort, dstPort: l.dstPort, nextSeq: seq, rfc4571: framed, pending: undefined, last: this.frameTime };
      this.tcp.add(h, st);
    }
    st.nextSeq = (seq + segLength) | 0;
    st.last = this.frameTime;
    // Usually whole messages sit in the segment and are read in place; only a message cut
    // across segments is copied.
    let b = buf;
    let s = ds;
    let e = de;
    const pending = this.tcp.takePending(st);
    if (pending) {
      b = Buffer.concat([pending, buf.subarray(ds, de)]);
      s = 0;
      e = b.length;
    }
    let found = false;
    let lost = false;
    for (;;) {
      const n = e - s;
      if (st.rfc4571) {
        if (n < RFC4571_LENGTH || n < RFC4571_LENGTH + u16(b, s)) break;
        const size = RFC4571_LENGTH + u16(b, s);
        const inner = s + RFC4571_LENGTH;
        const innerLen = size - RFC4571_LENGTH;
        if (
          innerLen >= HEADER_LENGTH &&
          (b[inner]! & FIRST_TWO_BITS) === 0 &&
          HEADER_LENGTH + u16(b, inner + 2) === innerLen &&
          cookieAt(b, inner, innerLen)
        ) {
          this.remember();
          this.emit(b, inner, innerLen, 'stun');
          found = true;
        }
        s += size;
        continue;
      }
      if (n < 4) break;
      let size: number;
      let kind: 'stun' | 'classic' | 'channel';
      if ((b[s]! & FIRST_TWO_BITS) === 0) {
        if (n < HEADER_LENGTH) break;
        size = HEADER_LENGTH + u16(b, s + 2);
        kind = cookieAt(b, s, n) ? 'stun' : 'classic';
      } else if (channelDataFits(b, s, n, true)) {
        size = (u16(b, s + 2) + CHANNEL_HEADER + 3) & ~3; // padded to 4 on a stream
        kind = 'channel';
      } else {
        lost = true; // lost framing: wait for a segment that starts a message
        break;
      }
      if (n < size) {
        if (n > MAX_TCP_BUFFER) lost = true;
        break;
      }
      if (kind === 'channel') this.counts.channelData++;
      else {
        if (kind === 'stun') this.remember();
        this.emit(b, s, size, kind);
      }
      found = true;
      s += size;
    }
    if (lost || (l.flags & (TCP_FIN | TCP_RST)) !== 0) {
      this.tcp.drop(h);
    } else if (s < e) {
      this.tcp.keepPending(st, b.subarray(s, e));
    }
    return found;
  }
}
