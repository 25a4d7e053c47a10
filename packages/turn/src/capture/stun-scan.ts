import { HEADER_LENGTH, MAGIC_COOKIE } from '../codec/constants.js';
import { decodeMessage, type StunMessage } from '../codec/message.js';
import type { CapturedPacket } from './pcap-reader.js';
import { ipv4String, ipv6String, locateTransport, TCP_FIN, TCP_RST, TCP_SYN, TransportLocation } from './packet.js';

export const STUN_PORT = 3478;

/**
 * One STUN message found in a capture, handed to the scanner's callback. `message` is
 * decoded on first use and `attribute` reads the capture buffer in place: both only during
 * the callback (the reader reuses its buffer); a decoded `message` stays valid afterwards.
 */
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
  icmp?: { type: number; code: number; version: 4 | 6 } | undefined;
  /** The header's message type, known even when the body does not decode. */
  type: number;
  /** Attributes without padding (MS-TURN): read and decoded that way. */
  readonly unpadded: boolean;
  /** Undefined when the header looked like STUN but the attributes did not decode. */
  readonly message?: StunMessage | undefined;
  error?: string | undefined;
  /** The transaction id in hex, as `transactionKey` gives it for the decoded message. */
  readonly transactionKey: string;
  /**
   * Numbers naming the source and destination endpoints with the transport (address, port,
   * UDP/TCP): exact for IPv4, a 53-bit hash for IPv6. Cheap map keys for per-server tallies.
   */
  readonly srcKey: number;
  readonly dstKey: number;
  /** The value of the first attribute of `type`, read in place without decoding the rest. */
  attribute(type: number): Buffer | undefined;
  hasAttribute(type: number): boolean;
  /** The first attribute of `type` as UTF-8 text. */
  attributeText(type: number): string | undefined;
}

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
}

const u16 = (b: Buffer, o: number): number => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Buffer, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
const cookieAt = (b: Buffer, o: number, n: number): boolean => n >= 8 && u32(b, o + 4) === MAGIC_COOKIE;

/** ChannelData fills a datagram exactly (or with padding to 4), as Wireshark requires. */
function channelDataFits(b: Buffer, o: number, n: number, stream: boolean): boolean {
  if (n < 4) return false;
  const type = u16(b, o);
  if ((type & 0xc000) === 0 || type === 0xffff) return false;
  const len = u16(b, o + 2) + 4;
  const padded = (len + 3) & ~3;
  return stream ? n >= padded : n === len || n === padded;
}

/** A segment that starts `length(2) + STUN with cookie` whose length agrees with the STUN header. */
const rfc4571Start = (b: Buffer, o: number, n: number): boolean =>
  n >= 2 + HEADER_LENGTH && (b[o + 2]! & 0xc0) === 0 && u32(b, o + 6) === MAGIC_COOKIE && u16(b, o) === HEADER_LENGTH + u16(b, o + 4);

/**
 * The check `decodeMessage` makes on the attribute list (lenient length), without decoding or
 * throwing: undefined when it fits, else the same text decodeMessage's error would carry.
 */
function attributeError(b: Buffer, o: number, n: number, padded = true): string | undefined {
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
 * A STUN header with the magic cookie at \`o\` that is believable on any port: a known method,
 * and a length that is a multiple of 4 (RFC 8489 §5) or, when the message is all here, one that
 * an unpadded (MS-TURN) attribute list fills exactly. \`n\` is the bytes available (a TCP
 * segment may hold only the start of the message).
 */
function plausibleStun(b: Buffer, o: number, n: number): boolean {
  if (n < 8 || (b[o]! & 0xc0) !== 0 || !cookieAt(b, o, n) || !knownMethod(u16(b, o))) return false;
  const size = HEADER_LENGTH + u16(b, o + 2);
  if ((size & 3) === 0) return true;
  return size <= n && attributeError(b, o, size, false) === undefined;
}

/** FNV-1a over 32-bit words, twice with different seeds, folded into one exact double (53 bits). */
function hashWords(words: Int32Array, count: number): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < count; i++) {
    a = Math.imul(a ^ words[i]!, 0x01000193);
    b = Math.imul(b ^ words[i]!, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

/** A TCP flow that carries STUN: where the next byte is expected, and a message cut in two. */
interface TcpFlow {
  srcPort: number;
  dstPort: number;
  nextSeq: number;
  /** RFC 4571 puts a 2-byte length before each message (ICE-TCP, some TURN clients). */
  rfc4571: boolean;
  /** The start of a message whose end is in a later segment (a copy). */
  pending: Buffer | undefined;
  /** Capture time of its last segment, for evicting idle flows. */
  last: number;
}

/**
 * RFC 3489 message types: Binding and Shared Secret requests, responses, error responses.
 * Off port 3478 these are only believed in pairs (see `classicOffPort`).
 */
const CLASSIC_REQUESTS = new Set([0x0001, 0x0002]);
const CLASSIC_ANSWERS = new Set([0x0101, 0x0111, 0x0102, 0x0112]);
/** Classic requests off port 3478 remembered while their answer may still come. */
const MAX_CLASSIC_PENDING = 4096;

/** Flows and conversations tracked at once; past that the least recently used go. */
const MAX_TCP_FLOWS = 16_384;
const MAX_TRACKED = 65_536;
/** A message cut across segments is at most 64 KiB; a flow holding more has lost its framing. */
const MAX_TCP_BUFFER = 1 << 16;
/** All flows together never hold more than this in partial messages. */
const MAX_TCP_PENDING_TOTAL = 16 << 20;
/** A flow silent this long (capture time) is forgotten: its next segment starts afresh. */
const TCP_IDLE_SECONDS = 300;
const SWEEP_EVERY = 1 << 16;

/** An endpoint with its transport as one number: exact for IPv4 (< 2^49), hashed for IPv6. */
function endpointKey(b: Buffer, at: number, v6: boolean, port: number, tcp: boolean): number {
  if (!v6) return (u32(b, at) * 65536 + port) * 2 + (tcp ? 1 : 0);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < 16; i += 4) {
    const w = u32(b, at + i);
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h2 = Math.imul(h2 ^ w, 0x5bd1e995) ^ (h2 >>> 15);
  }
  h1 = Math.imul(h1 ^ ((port << 1) | (tcp ? 1 : 0)), 0x01000193);
  // Above 2^49, so never equal to an IPv4 key.
  return 2 ** 49 + ((h1 >>> 0) % 2 ** 31) * 0x100000 + ((h2 >>> 0) & 0xfffff);
}

class StunView implements CapturedStun {
  // Every field is set in the constructor, in one order, so all views share one shape.
  readonly protocol: 'udp' | 'tcp';
  readonly srcPort: number;
  readonly dstPort: number;
  readonly srcKey: number;
  readonly dstKey: number;
  readonly icmp: { type: number; code: number; version: 4 | 6 } | undefined;
  private readonly srcAt: number;
  private readonly v6: boolean;
  private srcText: string | undefined = undefined;
  private dstText: string | undefined = undefined;
  private decoded: StunMessage | undefined = undefined;
  private live = true;
  constructor(
    private readonly buf: Buffer,
    private readonly off: number,
    private readonly len: number,
    readonly frame: number,
    readonly time: number,
    l: TransportLocation,
    private readonly fb: Buffer,
    readonly kind: 'stun' | 'classic',
    readonly type: number,
    readonly error: string | undefined,
    readonly unpadded: boolean,
  ) {
    const tcp = l.proto === 6;
    this.protocol = tcp ? 'tcp' : 'udp';
    this.srcPort = l.srcPort;
    this.dstPort = l.dstPort;
    this.srcAt = l.srcAt;
    this.v6 = l.v6;
    this.srcKey = endpointKey(fb, l.srcAt, l.v6, l.srcPort, tcp);
    this.dstKey = endpointKey(fb, l.srcAt + (l.v6 ? 16 : 4), l.v6, l.dstPort, tcp);
    this.icmp = l.icmpVersion !== 0 ? { type: l.icmpType, code: l.icmpCode, version: l.icmpVersion } : undefined;
  }
  private check(): void {
    if (!this.live) throw new Error('captured STUN bytes are only readable inside the scanner callback');
  }
  /** Called by the scanner when the callback returns. */
  release(): void {
    this.live = false;
  }
  /** Address text is made on first use (inside the callback), then kept. */
  get src(): string {
    if (this.srcText === undefined) {
      this.check();
      this.srcText = this.v6 ? ipv6String(this.fb, this.srcAt) : ipv4String(this.fb, this.srcAt);
    }
    return this.srcText;
  }
  get dst(): string {
    if (this.dstText === undefined) {
      this.check();
      this.dstText = this.v6 ? ipv6String(this.fb, this.srcAt + 16) : ipv4String(this.fb, this.srcAt + 4);
    }
    return this.dstText;
  }
  get message(): StunMessage | undefined {
    if (this.error !== undefined) return undefined;
    if (this.decoded) return this.decoded;
    this.check();
    // A copy: the decoded attributes view it, and the reader's buffer is reused.
    return (this.decoded = decodeMessage(Buffer.from(this.buf.subarray(this.off, this.off + this.len)), {
      classic: this.kind === 'classic',
      lenientLength: true,
      unpadded: this.unpadded,
    }));
  }
  get transactionKey(): string {
    if (this.decoded) return this.decoded.transactionId.toString('hex');
    this.check();
    if (this.len < HEADER_LENGTH) return '';
    return this.buf.toString('hex', this.off + (cookieAt(this.buf, this.off, this.len) ? 8 : 4), this.off + HEADER_LENGTH);
  }
  /** Offset of the value of the first attribute of `type` in `buf` (its length at offset - 2), or -1. */
  private find(type: number): number {
    if (this.error !== undefined) return -1;
    this.check();
    const { buf, off, len } = this;
    let at = HEADER_LENGTH;
    while (at + 4 <= len) {
      const alen = u16(buf, off + at + 2);
      if (u16(buf, off + at) === type) return off + at + 4;
      at += 4 + (this.unpadded ? alen : (alen + 3) & ~3);
    }
    return -1;
  }
  /** The value's end: its length, cut at the message end (a lenient final attribute). */
  private valueEnd(at: number): number {
    return Math.min(this.off + this.len, at + u16(this.buf, at - 2));
  }
  attribute(type: number): Buffer | undefined {
    if (this.decoded) return this.decoded.attributes.find((a) => a.type === type)?.value;
    const at = this.find(type);
    return at < 0 ? undefined : this.buf.subarray(at, this.valueEnd(at));
  }
  hasAttribute(type: number): boolean {
    if (this.decoded) return this.decoded.attributes.some((a) => a.type === type);
    return this.find(type) >= 0;
  }
  attributeText(type: number): string | undefined {
    if (this.decoded) return this.decoded.attributes.find((a) => a.type === type)?.value.toString('utf8');
    const at = this.find(type);
    return at < 0 ? undefined : this.buf.toString('utf8', at, this.valueEnd(at));
  }
}

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
  private readonly tcp = new Map<number, TcpFlow>();
  private pendingBytes = 0;
  /**
   * How many tracked flows use each source and destination port: a segment whose ports are
   * both unused cannot belong to a tracked flow, so most TCP traffic is never hashed.
   */
  private readonly srcPorts = new Uint16Array(65536);
  private readonly dstPorts = new Uint16Array(65536);
  private readonly loc = new TransportLocation();
  /** Int32 so that storing a u32 never changes the array's element kind (a deopt). */
  private readonly words = new Int32Array(16);
  private readonly wants: ((type: number, kind: 'stun' | 'classic') => boolean) | undefined;
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
  }

  /** One captured packet as an object (copies nothing; `p.data` is read during the call). */
  push(p: CapturedPacket): void {
    this.frame(p.linkType, p.data, 0, p.data.length, p.frame, p.time);
  }

  /** One captured packet as `buf[start, start + length)`, read in place: fits `scanCapture`'s sink. */
  frame(linkType: number, buf: Buffer, start: number, length: number, frame: number, time: number): void {
    this.counts.packets++;
    if ((this.counts.packets & (SWEEP_EVERY - 1)) === 0) this.sweepTcp(time);
    const l = this.loc;
    if (!locateTransport(linkType, buf, start, start + length, l)) return;
    this.frameBuf = buf;
    this.frameNo = frame;
    this.frameTime = time;
    let found: boolean;
    if (l.payloadEnd <= l.payloadStart) {
      if (l.proto === 6 && (l.flags & (TCP_SYN | TCP_FIN | TCP_RST)) !== 0 && this.mayTrack()) this.dropFlow(this.flowHash());
      return;
    }
    if (l.icmpVersion !== 0) found = this.quoted();
    else if (l.proto === 17) found = this.udp();
    else found = this.tcpSegment();
    if (found) this.counts.stunFrames++;
  }

  // ---- keys: numbers hashed from the header bytes, so looking up a flow allocates nothing ----

  /** Source and destination address words, then the ports: the flow's identity. */
  private identity(dir: 'forward' | 'sorted'): number {
    const { frameBuf: b, loc: l, words: w } = this;
    const n = l.v6 ? 4 : 1;
    const dstAt = l.srcAt + (l.v6 ? 16 : 4);
    let swap = false;
    if (dir === 'sorted') {
      // Both directions of a conversation share a key: order the two endpoints.
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
  private flowHash(): number {
    return hashWords(this.words, this.identity('forward'));
  }
  private conversationHash(): number {
    return hashWords(this.words, this.identity('sorted'));
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
    if (l.proto !== 17 || n < 8 || (b[o]! & 0xc0) !== 0 || !cookieAt(b, o, n)) return false;
    if (l.udpLength !== HEADER_LENGTH + u16(b, o + 2)) return false;
    this.emit(b, o, n, 'stun');
    return true;
  }

  private udp(): boolean {
    const { frameBuf: b, loc: l } = this;
    const o = l.payloadStart;
    const n = l.payloadEnd - o;
    const onPort = l.srcPort === STUN_PORT || l.dstPort === STUN_PORT;
    if (n >= HEADER_LENGTH && (b[o]! & 0xc0) === 0 && HEADER_LENGTH + u16(b, o + 2) === n) {
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
    const k = this.identity('sorted');
    for (let i = 0; i < 4; i++) w[k + i] = u32(b, o + 4 + 4 * i) | 0;
    const key = hashWords(w, k + 4);
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
    return this.srcPorts[this.loc.srcPort] !== 0 && this.dstPorts[this.loc.dstPort] !== 0;
  }

  private addFlow(h: number, st: TcpFlow): void {
    if (this.tcp.size >= MAX_TCP_FLOWS) this.evictOldest();
    this.tcp.set(h, st);
    this.srcPorts[st.srcPort]!++;
    this.dstPorts[st.dstPort]!++;
  }

  private dropFlow(h: number): void {
    const st = this.tcp.get(h);
    if (!st) return;
    if (st.pending) this.pendingBytes -= st.pending.length;
    this.srcPorts[st.srcPort]!--;
    this.dstPorts[st.dstPort]!--;
    this.tcp.delete(h);
  }

  /** Forgets flows idle for TCP_IDLE_SECONDS of capture time (the map is in last-use order). */
  private sweepTcp(now: number): void {
    for (const [h, st] of this.tcp) {
      if (st.last >= now - TCP_IDLE_SECONDS) break;
      this.dropFlow(h);
    }
  }

  private evictOldest(): void {
    const h = this.tcp.keys().next().value;
    if (h !== undefined) this.dropFlow(h);
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
        this.dropFlow(h);
        st = undefined;
      }
    }
    if (st) {
      // Most recently used goes last.
      this.tcp.delete(h);
      this.tcp.set(h, st);
    } else {
      // A stream is STUN when a segment starts with a STUN header (cookie, or classic on 3478).
      const n = de - ds;
      const onPort = l.srcPort === STUN_PORT || l.dstPort === STUN_PORT;
      // Off port 3478 the cookie alone does not make a stream STUN (TCP 80/443 carry anything).
      const looksStun = n >= 8 && (buf[ds]! & 0xc0) === 0 && (plausibleStun(buf, ds, n) || (onPort && n >= HEADER_LENGTH));
      const looksChannel = onPort && channelDataFits(buf, ds, n, true);
      const framed = !looksStun && rfc4571Start(buf, ds, n);
      if (!looksStun && !looksChannel && !framed) return false;
      if (!tracked) h = this.flowHash();
      st = { srcPort: l.srcPort, dstPort: l.dstPort, nextSeq: seq, rfc4571: framed, pending: undefined, last: this.frameTime };
      this.addFlow(h, st);
    }
    st.nextSeq = (seq + segLength) | 0;
    st.last = this.frameTime;
    // Usually whole messages sit in the segment and are read in place; only a message cut
    // across segments is copied.
    let b = buf;
    let s = ds;
    let e = de;
    if (st.pending) {
      b = Buffer.concat([st.pending, buf.subarray(ds, de)]);
      this.pendingBytes -= st.pending.length;
      st.pending = undefined;
      s = 0;
      e = b.length;
    }
    let found = false;
    let lost = false;
    for (;;) {
      const n = e - s;
      if (st.rfc4571) {
        if (n < 2 || n < 2 + u16(b, s)) break;
        const size = 2 + u16(b, s);
        const inner = s + 2;
        const innerLen = size - 2;
        if (
          innerLen >= HEADER_LENGTH &&
          (b[inner]! & 0xc0) === 0 &&
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
      if ((b[s]! & 0xc0) === 0) {
        if (n < HEADER_LENGTH) break;
        size = HEADER_LENGTH + u16(b, s + 2);
        kind = cookieAt(b, s, n) ? 'stun' : 'classic';
      } else if (channelDataFits(b, s, n, true)) {
        size = (u16(b, s + 2) + 4 + 3) & ~3;
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
      this.dropFlow(h);
    } else if (s < e) {
      st.pending = Buffer.from(b.subarray(s, e));
      this.pendingBytes += e - s;
      while (this.pendingBytes > MAX_TCP_PENDING_TOTAL && this.tcp.size > 1) this.evictOldest();
    }
    return found;
  }
}
