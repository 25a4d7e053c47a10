import { CORE_CODES, codeOf, emitterFor, type Evidence, type FindingDraft, type TurnReachabilityData } from '@cms-doctor/core';
import { TURN_CODES } from '@cms-doctor/turn';
import { BROWSER_CODES } from './codes.js';
import type { IceTransportResult } from './ice-page.js';
import { lossPercent, median } from './icetest-stats.js';

export const MEDIA_CHECK = 'browser.media';

const emit = emitterFor(CORE_CODES, TURN_CODES, BROWSER_CODES);

export interface MediaContext {
  server: string;
  username: string;
  usernameFrom: string;
  passwordFrom: string;
  /** TCP (and TLS) relays must work: CMS or the user says so; otherwise their failure is a note. */
  tcpExpected: boolean;
  tlsExpected: boolean;
  /** What turn.allocate saw in the same run, when it ran. */
  allocate?: TurnReachabilityData;
}

/** Chromium's code for "no answer from the TURN server" / "no TCP connection" (WebRTC spec: 701). */
const NO_CONNECTION = 701;

const expectedOf = (t: IceTransportResult['transport'], c: MediaContext): boolean =>
  t === 'udp' || (t === 'tcp' ? c.tcpExpected : c.tlsExpected);

function evidenceOf(r: IceTransportResult, c: MediaContext): Evidence {
  const answered = r.rttsMs.length;
  return {
    kind: 'browser-ice',
    transport: r.transport,
    url: r.url,
    username: c.username,
    usernameFrom: c.usernameFrom,
    passwordFrom: c.passwordFrom,
    relayCandidates: r.relays,
    candidateErrors: r.errors,
    gatheringComplete: r.gatheringComplete,
    dataChannelOpen: r.channelOpen,
    pingsSent: r.sent,
    pingsAnswered: answered,
    ...(answered ? { rttMedianMs: median(r.rttsMs), lossPercent: lossPercent(r.sent, answered) } : {}),
    ...(r.firstRelayMs !== undefined ? { firstRelayMs: r.firstRelayMs } : {}),
    ...(r.openMs !== undefined ? { dataChannelOpenMs: r.openMs } : {}),
    ...(r.pair ? { nominatedPair: r.pair } : {}),
  };
}

const errorsText = (r: IceTransportResult): string =>
  r.errors.length ? r.errors.map((e) => `${e.code}${e.text ? ` ${e.text}` : ''}`).join('; ') : 'no error event';

/**
 * One transport's problem finding, or undefined when media flowed (or the transport is not one
 * this deployment needs and failed without credential evidence: a note of the pass instead).
 */
export function judgeTransport(r: IceTransportResult, c: MediaContext, all: readonly IceTransportResult[] = [r]): FindingDraft | undefined {
  const subject = `${c.server}/${r.transport} (Chromium WebRTC, relay only)`;
  const evidence = [evidenceOf(r, c)];
  const who = `user "${c.username}" (${c.usernameFrom}) and the password from ${c.passwordFrom}`;
  const answered = r.rttsMs.length;
  if (r.relays.length > 0) {
    if (!r.channelOpen || answered === 0)
      return emit('turn/media-path-blocked', {
        subject,
        detail: `Chromium allocated relay ${r.relays.join(', ')} over ${r.transport} with ${who}, but ${r.channelOpen ? `none of ${r.sent} pings came back` : 'the data channel between the two peers never opened'} through the relays: media sent to the relayed address does not arrive.`,
        evidence,
      });
    if (answered < r.sent)
      return emit('browser/relay-loss', {
        subject,
        detail: `Through relay ${r.relays.join(', ')} over ${r.transport}, ${r.sent - answered} of ${r.sent} pings were lost (${lossPercent(r.sent, answered)}%), median round trip ${median(r.rttsMs)} ms.`,
        evidence,
      });
    return undefined;
  }
  const codes = r.errors.map((e) => e.code);
  const said = `Chromium gathered no relay candidate over ${r.transport} from ${r.url} with ${who} (candidate errors: ${errorsText(r)})`;
  if (codes.includes(431))
    return emit('turn/integrity-check-failure', {
      subject,
      detail: `${said}: the server answered 431, the password does not match its own for this user.`,
      evidence,
    });
  if (codes.includes(441))
    return emit('turn/wrong-credentials', { subject, detail: `${said}: the server answered 441 Wrong Credentials.`, evidence });
  if (codes.includes(401))
    return emit('turn/credentials-rejected', {
      subject,
      detail: `${said}: the server answered 401 to the authenticated request.`,
      evidence,
    });
  const expected = expectedOf(r.transport, c);
  const probed = c.allocate?.transports.find((t) => t.transport === r.transport);
  if (probed && !probed.answered)
    return expected
      ? emit('turn/unreachable', {
          subject,
          detail: `${said}; turn.allocate in the same run got no answer on ${c.allocate?.server}:${probed.port}/${r.transport} either: the port is not reachable.`,
          evidence,
          ...(r.transport === 'udp' ? {} : { status: 'warn' as const }),
        })
      : undefined;
  // The same credentials allocated over another transport: they are right, so this port is the problem.
  const other = all.find((o) => o !== r && o.relays.length > 0);
  if (other)
    return expected
      ? emit('turn/unreachable', {
          subject,
          detail: `${said}, while the same credentials allocated relay ${other.relays[0]} over ${other.transport}: the credentials are right, ${r.transport} to the TURN port is not getting through.`,
          evidence: [...evidence, evidenceOf(other, c)],
          ...(r.transport === 'udp' ? {} : { status: 'warn' as const }),
        })
      : undefined;
  if (codes.includes(NO_CONNECTION) && r.transport !== 'udp')
    // A TCP connection Chromium could not open is the port, not the credentials.
    return expected
      ? emit('turn/unreachable', { subject, detail: `${said}: no TCP connection to the TURN port.`, evidence, status: 'warn' })
      : undefined;
  if (!expected) return undefined;
  return emit('turn/relay-candidate-timeout', {
    subject,
    detail: `${said} before the deadline. The browser alone cannot tell a silent port from credentials the server ignores: run cms-doctor run (turn.allocate) for the STUN answers, or check both fixes.`,
    evidence,
  });
}

/** Every transport's finding, plus one pass when UDP media flowed (the relay guests need). */
export function judgeMedia(results: readonly IceTransportResult[], c: MediaContext): FindingDraft[] {
  const problems = results.map((r) => judgeTransport(r, c, results)).filter((f): f is FindingDraft => f !== undefined);
  const ok = results.filter((r) => r.relays.length > 0 && r.channelOpen && r.rttsMs.length === r.sent && r.sent > 0);
  const notes = results.filter((r) => !ok.includes(r) && !problems.some((p) => p.subject?.startsWith(`${c.server}/${r.transport} `)));
  const line = (r: IceTransportResult): string =>
    `${r.transport}: relay ${r.relays.join(', ')}, ${r.sent} pings, median round trip ${median(r.rttsMs)} ms, loss ${lossPercent(r.sent, r.rttsMs.length)}%`;
  const out: FindingDraft[] = [...problems];
  if (ok.length > 0 && problems.length === 0)
    out.push({
      code: codeOf(MEDIA_CHECK),
      status: 'pass',
      title: `Media flows through the TURN relay in Chromium (${ok.map((r) => r.transport).join(', ')})`,
      detail: `Two browser peers limited to relay candidates exchanged a data channel through ${c.server}: ${ok.map(line).join('; ')}.`,
      subject: c.server,
      evidence: ok.map((r) => evidenceOf(r, c)),
      basis: 'inferred',
    });
  for (const r of notes)
    out.push({
      code: codeOf(MEDIA_CHECK),
      status: 'info',
      title: `No relay over ${r.transport} in Chromium (not required here)`,
      detail: `${r.transport === 'tls' ? 'TURN over TLS' : 'TURN over TCP'} gave no relay candidate (${errorsText(r)}); neither CMS nor --turn-tcp-expected/--turn-tls-port says guests need it.`,
      subject: `${c.server}/${r.transport}`,
      evidence: [evidenceOf(r, c)],
    });
  return out;
}
