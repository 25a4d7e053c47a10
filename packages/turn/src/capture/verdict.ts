import type { Evidence, FindingDraft } from '@cms-doctor/core';
import { ALLOCATE_ERROR_CODES } from '../probe/verdict.js';
import type { CaptureAnalysis, CaptureEvent } from './analyse.js';

const MAX_EVIDENCE = 20;

const eventEvidence = (events: readonly CaptureEvent[]): Evidence[] =>
  events.slice(0, MAX_EVIDENCE).map((e) => ({ kind: 'stun-capture', ...e }));

/**
 * The same verdicts as the live prober, from a capture: decided by the numeric ERROR-CODE of
 * responses paired with their requests by transaction id. A 401 counts as a rejection only
 * when its request carried MESSAGE-INTEGRITY; a 401 to a first, unauthenticated request is
 * the normal challenge.
 */
export function captureFindings(a: CaptureAnalysis, file: string): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const allocErrors = a.errors.filter((e) => e.method === 'Allocate');
  const byCode = new Map<string, CaptureEvent[]>();
  for (const e of allocErrors) {
    if (e.code === undefined) continue;
    if (e.code === 401 && e.authenticated !== true) continue;
    if (e.code === 438) continue; // a client recovers by retrying with the new nonce
    const known = ALLOCATE_ERROR_CODES.get(e.code);
    if (!known) continue;
    const list = byCode.get(known.code) ?? [];
    list.push(e);
    byCode.set(known.code, list);
  }
  for (const [code, events] of byCode) {
    const first = events[0]!;
    const known = ALLOCATE_ERROR_CODES.get(first.code!)!;
    findings.push({
      code,
      status: 'fail',
      title: known.title,
      detail: `${events.length} Allocate response(s) with ${first.code} ${first.codeName ?? ''} from ${first.server}${first.realm ? ` (realm "${first.realm}")` : ''}${first.username ? `, user "${first.username}"` : ''}; first at frame ${first.frame}.`,
      subject: `${file} frame ${first.frame}`,
      evidence: eventEvidence(events),
      fixes: known.fixes,
      basis: 'field',
    });
  }
  // A TURN server that never answered, or bounced our requests with ICMP: unreachable.
  // An address that answered on another port (replies from a different port, as in the
  // nDPI unidirectional capture) is only flagged when ICMP says the port is closed.
  const hostOf = (server: string): string => server.slice(0, server.lastIndexOf(':'));
  const answeringHosts = new Set(a.servers.filter((s) => s.responses > 0).map((s) => `${hostOf(s.server)}/${s.protocol}`));
  for (const s of a.servers) {
    if (s.responses > 0 || (s.requests < 2 && s.icmpErrors === 0)) continue;
    if (s.icmpErrors === 0 && answeringHosts.has(`${hostOf(s.server)}/${s.protocol}`)) continue;
    const icmp = a.icmp.filter((e) => e.server === s.server);
    findings.push({
      code: 'turn/unreachable',
      status: s.protocol === 'udp' ? 'fail' : 'warn',
      title: `No STUN/TURN answer from ${s.server} over ${s.protocol.toUpperCase()} in the capture`,
      detail: `${s.requests} request(s) without any response${s.icmpErrors ? `; ${s.icmpErrors} came back as ICMP errors` : ''}.`,
      subject: `${file} ${s.server}/${s.protocol}`,
      evidence: [{ kind: 'stun-capture-server', ...s }, ...eventEvidence(icmp)],
      fixes: ['firewall-turn'],
      basis: 'field',
    });
  }
  const c = a.counts;
  findings.push({
    code: 'turn/capture',
    status: 'info',
    title: `${c.stunMessages} STUN message(s) in ${c.stunFrames} frame(s); ${a.allocations.length} successful Allocate(s)`,
    detail: `${c.packets} packets; ${a.paired} request(s) answered, ${a.unanswered} unanswered; ${c.channelData} ChannelData, ${c.classic} classic RFC 3489, ${c.icmp} quoted in ICMP, ${c.malformed} undecodable.`,
    subject: file,
    evidence: [{ kind: 'stun-capture-counts', ...c, paired: a.paired, unanswered: a.unanswered }, ...eventEvidence(a.allocations)],
    basis: 'field',
  });
  return findings;
}
