import type { Evidence, FindingDraft } from '@cms-doctor/core';
import { ALLOCATE_ERROR_CODES, emit } from '../probe/verdict.js';
import type { CaptureAnalysis, CaptureEvent } from './analyse.js';

const MAX_EVIDENCE = 20;

const eventEvidence = (events: readonly CaptureEvent[]): Evidence[] =>
  events.slice(0, MAX_EVIDENCE).map((e) => ({ kind: 'stun-capture', ...e }));

/** Phrased so that the answered count reads as "N request(s) answered". */
const bindingSummary = (a: CaptureAnalysis): string => {
  const b = a.binding;
  if (b.requests === 0) return b.responses > 0 ? `no request seen, ${b.responses} response(s)` : 'none';
  return `${b.answered} request(s) answered and ${b.requests - b.answered} unanswered (${b.transmissions} transmission(s))`;
};

const flowOf = (e: CaptureEvent): string => `${e.protocol} ${e.client} ${e.server}`;

/**
 * A 437 that follows a successful Allocate on the same 5-tuple: the server refused a second
 * Allocate because that flow already has an allocation (RFC 8656 §7.2), a repeated or
 * duplicated request, not a mismatch on a new allocation.
 */
function earlierAllocation(e: CaptureEvent, allocations: readonly CaptureEvent[]): CaptureEvent | undefined {
  return allocations.find((a) => a.frame < e.frame && flowOf(a) === flowOf(e));
}

/**
 * The same verdicts as the live prober, from a capture: decided by the numeric ERROR-CODE of
 * responses paired with their requests by transaction id. A 401 counts as a rejection only
 * when its request carried MESSAGE-INTEGRITY; a 401 to a first, unauthenticated request is
 * the normal challenge.
 */
export function captureFindings(a: CaptureAnalysis, file: string): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const notes: FindingDraft[] = [];
  const allocErrors = a.errors.filter((e) => e.method === 'Allocate');
  const byCode = new Map<string, CaptureEvent[]>();
  const repeated: { e: CaptureEvent; before: CaptureEvent }[] = [];
  for (const e of allocErrors) {
    if (e.code === undefined) continue;
    if (e.code === 401 && e.authenticated !== true) continue;
    if (e.code === 438) continue; // a client recovers by retrying with the new nonce
    const before = e.code === 437 ? earlierAllocation(e, a.allocations) : undefined;
    if (before) {
      repeated.push({ e, before });
      continue;
    }
    const code = ALLOCATE_ERROR_CODES.get(e.code);
    if (!code) continue;
    byCode.set(code, [...(byCode.get(code) ?? []), e]);
  }
  for (const [code, events] of byCode) {
    const first = events[0]!;
    findings.push(
      emit(code, {
        subject: `${file} frame ${first.frame}`,
        detail: `${events.length} Allocate response(s) with ${first.code} ${first.codeName ?? ''} from ${first.server} to ${first.client}${first.realm ? ` (realm "${first.realm}")` : ''}${first.username ? `, user "${first.username}" (from the capture)` : ''}; first at frame ${first.frame}${first.requestFrame !== undefined ? `, answering frame ${first.requestFrame}` : ''}.`,
        evidence: eventEvidence(events),
      }),
    );
  }
  if (repeated.length > 0) {
    const { e, before } = repeated[0]!;
    notes.push({
      code: 'turn/capture',
      status: 'info',
      title: `437 at frame ${e.frame} answers a repeated Allocate: frame ${before.frame} had already allocated on the same flow`,
      detail: `${repeated.length} Allocate response(s) with 437 Allocation Mismatch on ${flowOf(e)}, after the successful Allocate at frame ${before.frame}${before.relayed ? ` (relayed ${before.relayed})` : ''}. The server refuses a second Allocate on a 5-tuple that already has an allocation; the allocation itself worked, so this is not a TURN failure.`,
      subject: `${file} frame ${e.frame}`,
      evidence: eventEvidence([before, ...repeated.map((r) => r.e)]),
    });
  }
  // An open relay: a relayed address granted to a request without MESSAGE-INTEGRITY, in a
  // response without MESSAGE-INTEGRITY. A success without XOR-RELAYED-ADDRESS (WhatsApp's own
  // use of Allocate) grants no relay, so it is not evidence of one.
  const open = a.allocations.filter((e) => e.relayed !== undefined && e.authenticated === false && e.responseIntegrity === false);
  if (open.length > 0) {
    const first = open[0]!;
    findings.push(
      emit('turn/unauthenticated-allocation', {
        subject: `${file} frame ${first.frame}`,
        detail: `${open.length} Allocate success response(s) granted a relay (first: relayed ${first.relayed}, from ${first.server} to ${first.client} at frame ${first.frame}, answering frame ${first.requestFrame}) to an Allocate request without MESSAGE-INTEGRITY, with no 401 challenge in between, and the response carries no MESSAGE-INTEGRITY: the server allocates without credentials (an open relay).`,
        evidence: eventEvidence(open),
      }),
    );
  }
  // A TURN server that never answered, or bounced our requests with ICMP: unreachable.
  // An address that answered on another port (replies from a different port, as in the
  // nDPI unidirectional capture) is only flagged when ICMP says the port is closed.
  const hostOf = (server: string): string => server.slice(0, server.lastIndexOf(':'));
  const answeringHosts = new Set(a.servers.filter((s) => s.responses > 0).map((s) => `${hostOf(s.server)}/${s.protocol}`));
  for (const s of a.servers) {
    if (s.responses > 0 || (s.transmissions < 2 && s.icmpErrors === 0)) continue;
    if (s.icmpErrors === 0 && answeringHosts.has(`${hostOf(s.server)}/${s.protocol}`)) continue;
    const icmp = a.icmp.filter((e) => e.server === s.server);
    const unanswered = s.requests - s.answered;
    findings.push(
      emit('turn/unreachable', {
        subject: `${file} ${s.server}/${s.protocol}`,
        detail: `No STUN/TURN answer from ${s.server} over ${s.protocol.toUpperCase()} in the capture: ${unanswered} of ${s.requests} TURN request(s) unanswered (${s.transmissions} transmission(s) with retransmissions; Binding checks are not counted)${s.icmpErrors ? `; ${s.icmpErrors} TURN request message(s) came back inside ICMP errors` : ''}.`,
        evidence: [{ kind: 'stun-capture-server', ...s }, ...eventEvidence(icmp)],
        ...(s.protocol === 'udp' ? {} : { status: 'warn' }),
      }),
    );
  }
  const c = a.counts;
  notes.push({
    code: 'turn/capture',
    status: 'info',
    title: `${c.stunMessages} STUN message(s) in ${c.stunFrames} frame(s); ${a.allocations.length} successful Allocate(s)`,
    detail: `${c.packets} packets; of the TURN requests (one per transaction id, retransmissions not counted), ${a.paired} answered and ${a.unanswered} unanswered; of the Binding checks (counted the same way), ${bindingSummary(a)}; ${c.channelData} ChannelData, ${c.classic} classic RFC 3489, ${c.icmp} quoted in ICMP, ${c.malformed} undecodable.`,
    subject: file,
    evidence: [
      { kind: 'stun-capture-counts', ...c, paired: a.paired, unanswered: a.unanswered, binding: a.binding },
      ...eventEvidence(a.allocations),
    ],
    basis: 'field',
  });
  return [...findings, ...notes];
}
