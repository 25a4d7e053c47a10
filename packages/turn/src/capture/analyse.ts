import { ATTR, ERROR_REASONS, methodName } from '../codec/constants.js';
import { fmtAddress, readFacts } from '../codec/attributes.js';
import { scanCapture, type CaptureFormat } from './pcap-reader.js';
import { StunScanner, type CapturedStun, type ScanCounts } from './stun-scan.js';

/** One answered (or ICMP-bounced) TURN request, as evidence. */
export interface CaptureEvent {
  frame: number;
  requestFrame?: number;
  time: number;
  protocol: 'udp' | 'tcp';
  client: string;
  server: string;
  method: string;
  class: 'success' | 'error' | 'icmp';
  code?: number;
  codeName?: string;
  reason?: string;
  realm?: string;
  username?: string;
  /** The request carried MESSAGE-INTEGRITY (credentials were used). */
  authenticated?: boolean;
  /** A success response carried MESSAGE-INTEGRITY (the server signed it with the user's key). */
  responseIntegrity?: boolean;
  relayed?: string;
  mapped?: string;
  lifetime?: number;
}

/**
 * One counting definition for every number a finding shows: a request is a transaction (one
 * transaction id), however many times it was sent; it is answered when a response with its id
 * was seen. Retransmissions are counted apart, as transmissions.
 */
export interface ServerTally {
  server: string;
  protocol: 'udp' | 'tcp';
  /** Request transactions sent to this server. */
  requests: number;
  /** Request messages, retransmissions included. */
  transmissions: number;
  /** Request transactions that got a response (from any port of the server). */
  answered: number;
  /** Response messages from this endpoint. */
  responses: number;
  icmpErrors: number;
}

/**
 * ICE/STUN Binding checks, counted by the same definition as TURN requests (one per transaction
 * id; answered when a success or error response with that id was seen) but apart from them:
 * they show connectivity checks worked, not that a TURN server answered.
 */
export interface BindingTally {
  requests: number;
  transmissions: number;
  answered: number;
  responses: number;
}

export interface CaptureAnalysis {
  format?: CaptureFormat;
  counts: ScanCounts;
  paired: number;
  unanswered: number;
  binding: BindingTally;
  /** Error responses to TURN requests (capped). */
  errors: CaptureEvent[];
  /** Successful Allocates (capped). */
  allocations: CaptureEvent[];
  /** Requests that came back inside an ICMP error (capped). */
  icmp: CaptureEvent[];
  servers: ServerTally[];
  /** Set when the file stopped parsing part way: what was read is still analysed. */
  error?: string;
}

const MAX_EVENTS = 200;
/** Routine errors (the 401 challenge, a 438 stale nonce) may not crowd out the ones that matter. */
const MAX_ROUTINE_EVENTS = 20;
/** Requests waiting for an answer; beyond the window (capture time) one is given up as unanswered. */
const MAX_PENDING = 50_000;
const PENDING_WINDOW_SECONDS = 60;
const MAX_SERVERS = 4096;
/** Allocate (3), Refresh (4), CreatePermission (8), ChannelBind (9), as a bit set. */
const TURN_METHOD_BITS = (1 << 3) | (1 << 4) | (1 << 8) | (1 << 9);
const isTurnMethod = (method: number): boolean => method < 32 && ((TURN_METHOD_BITS >>> method) & 1) === 1;

/** Method and class bits straight from the 14-bit type (RFC 5389 §6), without an object. */
const methodOf = (type: number): number => (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
const CLS_REQUEST = 0;
const CLS_INDICATION = 1;
const CLS_SUCCESS = 2;
const CLS_ERROR = 3;
const clsOf = (type: number): number => ((type >> 4) & 1) | ((type >> 7) & 2);

const BINDING = 1;
/** The ERROR-CODE number read in place (class * 100 + number), or undefined. */
function errorCodeOf(c: CapturedStun): number | undefined {
  const v = c.attribute(ATTR.ERROR_CODE);
  return v && v.length >= 4 && v[3]! <= 99 ? (v[2]! & 0x07) * 100 + v[3]! : undefined;
}

/** One shape for every entry (username undefined when absent). */
interface Pending {
  frame: number;
  time: number;
  authenticated: boolean;
  username: string | undefined;
  answered: boolean;
  server: ServerTally;
}

const endpoint = (addr: string, port: number): string => (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`);

/**
 * Streams a capture once, pairing requests with responses by transaction id (not 5-tuple).
 * Memory is bounded whatever the file size: pending requests by a time window and a cap,
 * servers and events by caps, the scanner's flows by its own bounds.
 */
export async function analyseCapture(path: string, signal?: AbortSignal): Promise<CaptureAnalysis> {
  // Keyed by transaction id hashes (CapturedStun.transactionHash): no string per message.
  const pending = new Map<number, Pending>();
  // Keyed by the endpoint numbers the scanner gives, so no string is made per message.
  const servers = new Map<number, ServerTally>();
  const out: CaptureAnalysis = {
    counts: undefined as unknown as ScanCounts,
    paired: 0,
    unanswered: 0,
    binding: { requests: 0, transmissions: 0, answered: 0, responses: 0 },
    errors: [],
    allocations: [],
    icmp: [],
    servers: [],
  };
  let routineErrors = 0;
  const overflow: ServerTally = { server: '', protocol: 'udp', requests: 0, transmissions: 0, answered: 0, responses: 0, icmpErrors: 0 };
  /** The tally of the message's source (a response) or destination (a request). */
  const tally = (c: CapturedStun, source: boolean): ServerTally => {
    const key = source ? c.srcKey : c.dstKey;
    let t = servers.get(key);
    if (!t) {
      if (servers.size >= MAX_SERVERS) return overflow;
      const server = source ? endpoint(c.src, c.srcPort) : endpoint(c.dst, c.dstPort);
      servers.set(key, (t = { server, protocol: c.protocol, requests: 0, transmissions: 0, answered: 0, responses: 0, icmpErrors: 0 }));
    }
    return t;
  };
  const forget = (key: number): void => {
    const p = pending.get(key);
    if (p && !p.answered) out.unanswered++;
    pending.delete(key);
  };
  /**
   * Gives up requests older than the window, oldest first (the map keeps arrival order).
   * Looked at once per second of capture time, or when the cap is reached.
   */
  let expiredAt = Number.NEGATIVE_INFINITY;
  const expire = (now: number): void => {
    if (now >= expiredAt && now - expiredAt < 1 && pending.size < MAX_PENDING) return;
    expiredAt = now;
    for (const [key, p] of pending) {
      if (p.time >= now - PENDING_WINDOW_SECONDS && pending.size < MAX_PENDING) break;
      forget(key);
    }
  };

  /** Binding transaction id -> answered; bounded like the TURN map, oldest dropped first. */
  const bindings = new Map<number, boolean>();
  /**
   * The bindings' keys in insertion order, a ring: the oldest is found without
   * `bindings.keys().next()`, which walks over every entry deleted from the front of the
   * map since its table was last rebuilt (seconds per million checks once the map is full).
   */
  const bindingRing = new Float64Array(MAX_PENDING);
  let bindingOldest = 0;
  /**
   * ICE Binding checks are paired from the header alone, without a view: they are most of
   * a large capture's messages. Returns whether the message is one of the TURN requests and
   * responses the findings need a view of.
   */
  const onHeader = (type: number, kind: 'stun' | 'classic', key: number, quoted: boolean): boolean => {
    if (kind !== 'stun') return false;
    const cls = clsOf(type);
    if (cls === CLS_INDICATION) return false;
    const method = methodOf(type);
    if (method !== BINDING) return isTurnMethod(method);
    if (quoted) return false;
    const b = out.binding;
    if (cls === CLS_REQUEST) {
      b.transmissions++;
      if (bindings.has(key)) return false;
      if (bindings.size >= MAX_PENDING) bindings.delete(bindingRing[bindingOldest]!);
      bindingRing[bindingOldest] = key;
      bindingOldest = (bindingOldest + 1) % MAX_PENDING;
      bindings.set(key, false);
      b.requests++;
      return false;
    }
    b.responses++;
    if (bindings.get(key) === false) {
      bindings.set(key, true);
      b.answered++;
    }
    return false;
  };

  const onMessage = (c: CapturedStun): void => {
    const cls = clsOf(c.type);
    if (c.error !== undefined) {
      // Undecodable (MS-TURN lengths, cut short): the header still says an answer came.
      if ((cls === CLS_SUCCESS || cls === CLS_ERROR) && !c.icmp) tally(c, true).responses++;
      return;
    }
    const method = methodOf(c.type);
    const key = c.transactionHash;
    if (cls === CLS_REQUEST) {
      const t = tally(c, false);
      if (c.icmp) {
        t.icmpErrors++;
        if (out.icmp.length < MAX_EVENTS)
          out.icmp.push({
            frame: c.frame,
            time: c.time,
            protocol: c.protocol,
            client: endpoint(c.src, c.srcPort),
            server: endpoint(c.dst, c.dstPort),
            method: methodName(method),
            class: 'icmp',
          });
        return;
      }
      t.transmissions++;
      expire(c.time);
      // A retransmission is the same transaction: counted once, as the unanswered total is.
      if (pending.has(key)) return;
      t.requests++;
      const username = c.attributeText(ATTR.USERNAME);
      const authenticated = c.hasAttribute(ATTR.MESSAGE_INTEGRITY) || c.hasAttribute(ATTR.MESSAGE_INTEGRITY_SHA256);
      pending.set(key, { frame: c.frame, time: c.time, authenticated, username, answered: false, server: t });
      return;
    }
    const req = pending.get(key);
    tally(c, true).responses++;
    if (req && !req.answered) {
      req.answered = true;
      req.server.answered++;
      out.paired++;
    }
    // Decode only what becomes evidence: events are capped, counting is not.
    let routine = false;
    if (cls === CLS_ERROR) {
      const code = errorCodeOf(c);
      routine = (code === 401 && req?.authenticated !== true) || code === 438;
      if (out.errors.length >= MAX_EVENTS || (routine && routineErrors >= MAX_ROUTINE_EVENTS)) return;
    } else if (method !== 3 || out.allocations.length >= MAX_EVENTS) {
      return;
    }
    const m = c.message;
    if (!m) return;
    let facts;
    try {
      facts = readFacts(m);
    } catch {
      return; // counted by the scanner; nothing reliable to report
    }
    const ev: CaptureEvent = {
      frame: c.frame,
      time: c.time,
      protocol: c.protocol,
      client: endpoint(c.dst, c.dstPort),
      server: endpoint(c.src, c.srcPort),
      method: methodName(method),
      class: cls === CLS_ERROR ? 'error' : 'success',
      ...(req ? { requestFrame: req.frame, authenticated: req.authenticated } : {}),
      ...(req?.username !== undefined ? { username: req.username } : {}),
      ...(facts.realm !== undefined ? { realm: facts.realm } : {}),
    };
    if (cls === CLS_ERROR) {
      if (facts.errorCode) {
        ev.code = facts.errorCode.code;
        ev.reason = facts.errorCode.reason;
        const name = ERROR_REASONS.get(facts.errorCode.code)?.reason;
        if (name) ev.codeName = name;
      }
      if (routine) routineErrors++;
      out.errors.push(ev);
    } else {
      ev.responseIntegrity = m.attributes.some((a) => a.type === ATTR.MESSAGE_INTEGRITY || a.type === ATTR.MESSAGE_INTEGRITY_SHA256);
      if (facts.relayed) ev.relayed = fmtAddress(facts.relayed);
      if (facts.mapped) ev.mapped = fmtAddress(facts.mapped);
      if (facts.lifetime !== undefined) ev.lifetime = facts.lifetime;
      out.allocations.push(ev);
    }
  };

  const scanner = new StunScanner(onMessage, { header: onHeader });
  try {
    await scanCapture(
      path,
      (linkType, buf, start, length, frame, time) => scanner.frame(linkType, buf, start, length, frame, time),
      (f) => {
        out.format = f;
      },
      signal,
    );
  } catch (e) {
    // The deadline is not a fault of the file.
    if (signal?.aborted) throw e;
    out.error = (e as Error).message;
  }
  out.counts = scanner.counts;
  for (const p of pending.values()) if (!p.answered) out.unanswered++;
  out.servers = [...servers.values()];
  return out;
}
