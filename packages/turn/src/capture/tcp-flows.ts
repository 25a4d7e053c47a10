/**
 * TCP reassembly state: the flows that carry STUN, bounded in number, idle time and
 * buffered bytes. The segment walk itself is `StunScanner.tcpSegment`. Design:
 * docs/decisions/stun-capture-scan.md.
 */

/** A TCP flow that carries STUN: where the next byte is expected, and a message cut in two. */
export interface TcpFlow {
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

/** Flows tracked at once; past that the least recently used go. */
const MAX_TCP_FLOWS = 16_384;
/** All flows together never hold more than this in partial messages. */
const MAX_TCP_PENDING_TOTAL = 16 << 20;
/** A flow silent this long (capture time) is forgotten: its next segment starts afresh. */
const TCP_IDLE_SECONDS = 300;
const PORTS = 65_536;

/** The tracked flows by flow hash, in last-use order (a Map's insertion order). */
export class TcpFlows {
  private readonly flows = new Map<number, TcpFlow>();
  private pendingBytes = 0;
  /**
   * How many tracked flows use each source and destination port: a segment whose ports are
   * both unused cannot belong to a tracked flow, so most TCP traffic is never hashed.
   */
  private readonly srcPorts = new Uint16Array(PORTS);
  private readonly dstPorts = new Uint16Array(PORTS);

  /** False when no tracked flow has these ports (the segment's flow is not tracked). */
  mayTrack(srcPort: number, dstPort: number): boolean {
    return this.srcPorts[srcPort] !== 0 && this.dstPorts[dstPort] !== 0;
  }

  get(h: number): TcpFlow | undefined {
    return this.flows.get(h);
  }

  /** Marks a flow most recently used (it goes last). */
  touch(h: number, st: TcpFlow): void {
    this.flows.delete(h);
    this.flows.set(h, st);
  }

  add(h: number, st: TcpFlow): void {
    if (this.flows.size >= MAX_TCP_FLOWS) this.evictOldest();
    this.flows.set(h, st);
    this.srcPorts[st.srcPort]!++;
    this.dstPorts[st.dstPort]!++;
  }

  drop(h: number): void {
    const st = this.flows.get(h);
    if (!st) return;
    if (st.pending) this.pendingBytes -= st.pending.length;
    this.srcPorts[st.srcPort]!--;
    this.dstPorts[st.dstPort]!--;
    this.flows.delete(h);
  }

  /** Takes a flow's buffered partial message (the caller prepends it to the segment). */
  takePending(st: TcpFlow): Buffer | undefined {
    const p = st.pending;
    if (p) {
      this.pendingBytes -= p.length;
      st.pending = undefined;
    }
    return p;
  }

  /** Buffers a message cut across segments (a copy); the oldest flows go past the total limit. */
  keepPending(st: TcpFlow, bytes: Buffer): void {
    st.pending = Buffer.from(bytes);
    this.pendingBytes += bytes.length;
    while (this.pendingBytes > MAX_TCP_PENDING_TOTAL && this.flows.size > 1) this.evictOldest();
  }

  /** Forgets flows idle for TCP_IDLE_SECONDS of capture time (the map is in last-use order). */
  sweep(now: number): void {
    for (const [h, st] of this.flows) {
      if (st.last >= now - TCP_IDLE_SECONDS) break;
      this.drop(h);
    }
  }

  private evictOldest(): void {
    const h = this.flows.keys().next().value;
    if (h !== undefined) this.drop(h);
  }
}
