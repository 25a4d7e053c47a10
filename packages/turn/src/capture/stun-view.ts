/**
 * The lazy message view handed to the scanner's callback: fields read from the capture
 * buffer in place, text and the decoded message made only when asked for. Design:
 * docs/decisions/stun-capture-scan.md.
 */
import { HEADER_LENGTH } from '../codec/constants.js';
import { decodeMessage, type StunMessage } from '../codec/message.js';
import { endpointKey, transactionHash } from './flow-keys.js';
import { ipv4String, ipv6String, type TransportLocation } from './packet.js';
import { cookieAt, u16 } from './stun-bytes.js';

const IPPROTO_TCP = 6;
/** Where the transaction id starts: after the cookie (96 bits), or after the length in RFC 3489 (128 bits). */
const ID_AT = 8;
const CLASSIC_ID_AT = 4;

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
  /** The transaction id as a 53-bit number (`transactionHash` of flow-keys.ts): a map key without a string. */
  readonly transactionHash: number;
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

export class StunView implements CapturedStun {
  // Every field is set in the constructor, in one order, so all views share one shape.
  readonly protocol: 'udp' | 'tcp';
  readonly srcPort: number;
  readonly dstPort: number;
  readonly icmp: { type: number; code: number; version: 4 | 6 } | undefined;
  private readonly srcAt: number;
  private readonly v6: boolean;
  private readonly tcp: boolean;
  // NaN until asked for (most views, the ICE Binding checks, never are): a double from the start.
  private srcKeyValue = Number.NaN;
  private dstKeyValue = Number.NaN;
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
    this.tcp = l.proto === IPPROTO_TCP;
    this.protocol = this.tcp ? 'tcp' : 'udp';
    this.srcPort = l.srcPort;
    this.dstPort = l.dstPort;
    this.srcAt = l.srcAt;
    this.v6 = l.v6;
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
  /** Endpoint keys are made on first use (inside the callback), then kept. */
  get srcKey(): number {
    if (Number.isNaN(this.srcKeyValue)) {
      this.check();
      this.srcKeyValue = endpointKey(this.fb, this.srcAt, this.v6, this.srcPort, this.tcp);
    }
    return this.srcKeyValue;
  }
  get dstKey(): number {
    if (Number.isNaN(this.dstKeyValue)) {
      this.check();
      this.dstKeyValue = endpointKey(this.fb, this.srcAt + (this.v6 ? 16 : 4), this.v6, this.dstPort, this.tcp);
    }
    return this.dstKeyValue;
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
    return this.buf.toString('hex', this.off + (cookieAt(this.buf, this.off, this.len) ? ID_AT : CLASSIC_ID_AT), this.off + HEADER_LENGTH);
  }
  get transactionHash(): number {
    this.check();
    const { buf, off, len } = this;
    if (len < HEADER_LENGTH) return 0;
    return transactionHash(buf, off, cookieAt(buf, off, len));
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
