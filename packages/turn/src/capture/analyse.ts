import { ATTR, ERROR_REASONS, methodName, splitMessageType } from '../codec/constants.js';
import { fmtAddress, readFacts } from '../codec/attributes.js';
import { findAttribute, transactionKey } from '../codec/message.js';
import { readCaptureBatches, type CaptureFormat } from './pcap-reader.js';
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
  relayed?: string;
  mapped?: string;
  lifetime?: number;
}

export interface ServerTally {
  server: string;
  protocol: 'udp' | 'tcp';
  requests: number;
  responses: number;
  icmpErrors: number;
}

export interface CaptureAnalysis {
  format?: CaptureFormat;
  counts: ScanCounts;
  paired: number;
  unanswered: number;
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
const MAX_PENDING = 100_000;
const TURN_METHODS = new Set([3, 4, 8, 9]);

interface Pending {
  frame: number;
  method: number;
  authenticated: boolean;
  username?: string;
  server: string;
  answered: boolean;
}

const endpoint = (addr: string, port: number): string => fmtAddress({ address: addr, port });

/** Streams a capture once, pairing requests with responses by transaction id (not 5-tuple). */
export async function analyseCapture(path: string): Promise<CaptureAnalysis> {
  const pending = new Map<string, Pending>();
  const servers = new Map<string, ServerTally>();
  const out: CaptureAnalysis = { counts: undefined as unknown as ScanCounts, paired: 0, unanswered: 0, errors: [], allocations: [], icmp: [], servers: [] };
  const tally = (server: string, protocol: 'udp' | 'tcp'): ServerTally => {
    const key = `${server}/${protocol}`;
    let t = servers.get(key);
    if (!t) servers.set(key, (t = { server, protocol, requests: 0, responses: 0, icmpErrors: 0 }));
    return t;
  };

  const onMessage = (c: CapturedStun): void => {
    const m = c.message;
    if (c.kind !== 'stun') return;
    if (!m) {
      // Undecodable (MS-TURN lengths, cut short): the header still says an answer came.
      const { method, cls } = splitMessageType(c.type);
      if (TURN_METHODS.has(method) && (cls === 'success' || cls === 'error') && !c.icmp) tally(endpoint(c.src, c.srcPort), c.protocol).responses++;
      return;
    }
    const key = transactionKey(m);
    // Only TURN methods are tallied: unanswered ICE Binding checks are normal.
    if (!TURN_METHODS.has(m.method)) return;
    if (m.cls === 'request') {
      const server = endpoint(c.dst, c.dstPort);
      if (c.icmp) {
        const t = tally(server, c.protocol);
        t.icmpErrors++;
        if (out.icmp.length < MAX_EVENTS) out.icmp.push({ frame: c.frame, time: c.time, protocol: c.protocol, client: endpoint(c.src, c.srcPort), server, method: methodName(m.method), class: 'icmp' });
        return;
      }
      tally(server, c.protocol).requests++;
      if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value as string);
      const username = findAttribute(m, ATTR.USERNAME)?.value.toString('utf8');
      pending.set(key, { frame: c.frame, method: m.method, authenticated: findAttribute(m, ATTR.MESSAGE_INTEGRITY) !== undefined || findAttribute(m, ATTR.MESSAGE_INTEGRITY_SHA256) !== undefined, ...(username !== undefined ? { username } : {}), server, answered: false });
      return;
    }
    if (m.cls !== 'success' && m.cls !== 'error') return;
    const req = pending.get(key);
    const server = endpoint(c.src, c.srcPort);
    tally(server, c.protocol).responses++;
    if (req && !req.answered) {
      req.answered = true;
      out.paired++;
    }
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
      server,
      method: methodName(m.method),
      class: m.cls,
      ...(req ? { requestFrame: req.frame, authenticated: req.authenticated } : {}),
      ...(req?.username !== undefined ? { username: req.username } : {}),
      ...(facts.realm !== undefined ? { realm: facts.realm } : {}),
    };
    if (m.cls === 'error') {
      if (facts.errorCode) {
        ev.code = facts.errorCode.code;
        ev.reason = facts.errorCode.reason;
        const name = ERROR_REASONS.get(facts.errorCode.code)?.reason;
        if (name) ev.codeName = name;
      }
      if (out.errors.length < MAX_EVENTS) out.errors.push(ev);
    } else if (m.method === 3) {
      if (facts.relayed) ev.relayed = fmtAddress(facts.relayed);
      if (facts.mapped) ev.mapped = fmtAddress(facts.mapped);
      if (facts.lifetime !== undefined) ev.lifetime = facts.lifetime;
      if (out.allocations.length < MAX_EVENTS) out.allocations.push(ev);
    }
  };

  const scanner = new StunScanner(onMessage);
  try {
    for await (const batch of readCaptureBatches(path)) for (const p of batch) scanner.push(p);
  } catch (e) {
    out.error = (e as Error).message;
  }
  out.counts = scanner.counts;
  for (const p of pending.values()) if (!p.answered) out.unanswered++;
  out.servers = [...servers.values()];
  return out;
}
