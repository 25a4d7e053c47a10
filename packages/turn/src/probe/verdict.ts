import type { Evidence, FindingDraft, TurnReachabilityData } from '@cms-doctor/core';
import { CORE_CODES, DEFAULT_MEDIA_PORT_RANGE, emitterFor } from '@cms-doctor/core';
import { ERROR_REASONS } from '../codec/constants.js';
import { fmtAddress } from '../codec/attributes.js';
import { TLS_HANDSHAKE_STALLED } from '../client/connection.js';
import { TURN_CODES } from '../codes.js';
import type { AllocateProbeResult } from './allocate.js';

/** Problem findings of this package: title, basis and fixes from the code tables (verdict rule 4). */
export const emit = emitterFor(CORE_CODES, TURN_CODES);

/** Whose credentials a probe tried and where each came from; never the password itself. */
export interface CredentialSource {
  username: string;
  /** e.g. `--turn-user`, `the CMS API /api/v1/turnServers entry`. */
  usernameFrom: string;
  /** e.g. `--turn-password-file /path`, `the environment variable CMS_DOCTOR_TURN_PASSWORD`. */
  passwordFrom: string;
}

export interface VerdictContext {
  /** The edge's public address (target.edgeNatAddress); else the address the client reached is the reference. */
  natAddress?: string;
  /** Media port range the firewall is opened for. */
  portRange?: readonly [number, number];
  /** TCP answers are expected (CMS tcpPortNumberOverride, or the user says so). */
  tcpExpected?: boolean;
  /**
   * TURN over TLS is expected on its port (given explicitly with --turn-tls-port or --transport tls,
   * or CMS points clients at it). Otherwise a TLS port that does not do TURN is only a note: the
   * document's Expressway-E serves TURN on 3478, and its 443 is the web proxy.
   */
  tlsExpected?: boolean;
  /** Inputs missing for the authenticated part, for a `skip`. */
  missing?: readonly string[];
  credentials?: CredentialSource;
}

/** Problem codes of an authenticated Allocate's error answers. Decided by number, never by reason text. */
export const ALLOCATE_ERROR_CODES: ReadonlyMap<number, string> = new Map([
  [431, 'turn/integrity-check-failure'],
  [401, 'turn/credentials-rejected'],
  [441, 'turn/wrong-credentials'],
  [438, 'turn/stale-nonce'],
  [437, 'turn/allocation-mismatch'],
  [442, 'turn/unsupported-transport'],
  [486, 'turn/allocation-quota-reached'],
  [508, 'turn/insufficient-capacity'],
]);

/** Codes that say the credentials were refused: the finding names whose they were. */
const CREDENTIAL_CODES = new Set([401, 431, 441]);

const UNREACHABLE_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'CMSD_TIMEOUT', 'EPIPE']);

/** How to give a missing input, under the names of `run` and of `probe turn`. */
const ASK: Record<string, string> = {
  turnUser: 'the TURN username (--turn-user; --user with probe turn)',
  turnPassword: 'the TURN password (--turn-password-file or CMS_DOCTOR_TURN_PASSWORD; --password-file with probe turn)',
};

const subjectOf = (r: AllocateProbeResult): string => `${r.server}/${r.transport}`;

/** The probe as evidence: one record per transaction plus the summary; no key, password or MI bytes exist in it. */
export function probeEvidence(r: AllocateProbeResult): Evidence[] {
  const summary: Evidence = {
    kind: 'turn-probe',
    server: r.server,
    transport: r.transport,
    outcome: r.outcome,
    durationMs: r.durationMs,
    ...(r.remote ? { remote: fmtAddress(r.remote) } : {}),
    ...(r.code !== undefined ? { code: r.code, codeName: ERROR_REASONS.get(r.code)?.reason ?? 'unregistered' } : {}),
    ...(r.realm !== undefined ? { realm: r.realm } : {}),
    ...(r.software !== undefined ? { software: r.software } : {}),
    ...(r.relayed ? { relayed: fmtAddress(r.relayed) } : {}),
    ...(r.mapped ? { mapped: fmtAddress(r.mapped) } : {}),
    ...(r.lifetime !== undefined ? { lifetime: r.lifetime } : {}),
    ...(r.released !== undefined ? { released: r.released } : {}),
    ...(r.errorCode ? { errorCode: r.errorCode, error: r.error } : {}),
  };
  return [summary, ...r.transactions.map((t): Evidence => ({ kind: 'stun-transaction', ...t }))];
}

/** Whether this transport must answer TURN here; an optional one that does not is a note or a warning. */
function required(r: AllocateProbeResult, ctx: VerdictContext): boolean {
  if (r.transport === 'udp') return true;
  return r.transport === 'tls' ? ctx.tlsExpected === true : ctx.tcpExpected === true;
}

const OPTIONAL_WHY: Record<'tcp' | 'tls', string> = {
  tcp: 'TURN over TCP is optional unless CMS uses tcpPortNumberOverride or you expect it (--turn-tcp-expected): this is a warning.',
  tls: "TURN over TLS was not asked for (--turn-tls-port, --transport tls) and CMS does not point clients at it: the document's Expressway-E serves TURN on 3478 only, so this is a note.",
};

function unreachable(r: AllocateProbeResult, ctx: VerdictContext, evidence: Evidence[]): FindingDraft {
  const must = required(r, ctx);
  const how =
    r.outcome === 'connect-failed'
      ? `connection failed (${r.errorCode}${r.errorCode === 'ECONNREFUSED' && r.transport === 'udp' ? ': ICMP port unreachable' : ''})`
      : r.transactions[0]?.received
        ? `no valid answer after ${r.transactions[0].transmissions} transmission(s): ${r.transactions[0].received}`
        : `no answer after ${r.transactions[0]?.transmissions ?? 0} transmission(s)`;
  const optional = r.transport === 'udp' || must ? '' : ` ${OPTIONAL_WHY[r.transport]}`;
  const detail = `${r.server} does not answer TURN over ${r.transport.toUpperCase()}: ${how} within ${r.durationMs} ms.${optional}`;
  // Optional TLS nobody asked for: a note under the check's own code, as nothing shows the firewall is wrong.
  if (!must && r.transport === 'tls')
    return {
      code: 'turn/allocate',
      status: 'info',
      title: `TURN over TLS on ${r.server} does not answer; it was not asked for`,
      detail,
      subject: subjectOf(r),
      evidence,
    };
  return emit('turn/unreachable', { subject: subjectOf(r), detail, evidence, ...(must ? {} : { status: 'warn' }) });
}

/** The port answered HTTP: a web server such as the Expressway-E web proxy, not a TURN failure. */
function httpAnswer(r: AllocateProbeResult, ctx: VerdictContext, evidence: Evidence[]): FindingDraft {
  const what = `${r.server} answered the TURN Allocate over ${r.transport.toUpperCase()} with HTTP (${(r.error ?? '').replace(/^answered HTTP: /, '')}): a web server listens there, such as the Expressway-E web proxy on 443.`;
  if (!required(r, ctx))
    // Nobody asked for TURN there: a note under the check's own code, not a problem.
    return {
      code: 'turn/allocate',
      status: 'info',
      title: `${r.server} is a web server, not TURN over ${r.transport.toUpperCase()}; it was not asked for`,
      detail: `${what} TURN over TLS was not asked for; the document's Expressway-E serves TURN on 3478 only.`,
      subject: subjectOf(r),
      evidence,
    };
  return emit('turn/port-is-web-server', {
    subject: subjectOf(r),
    detail: `${what} TURN over this transport was expected here (given explicitly, or CMS points clients at it): point the probe or CMS at the port where TURN listens (3478 on the document's Expressway-E).`,
    evidence,
  });
}

/** A step that did not decide: a stalled handshake, a TLS failure, a silent stream. Optional TLS is a note. */
function undecided(r: AllocateProbeResult, ctx: VerdictContext, evidence: Evidence[], detail: string): FindingDraft {
  if (!required(r, ctx) && r.transport === 'tls')
    return {
      code: 'turn/allocate',
      status: 'info',
      title: `TURN over TLS on ${r.server} not decided; it was not asked for`,
      detail: `${detail} ${OPTIONAL_WHY.tls}`,
      subject: subjectOf(r),
      evidence,
    };
  return emit('turn/check-error', { subject: subjectOf(r), detail: `${detail} The other transports keep their own verdicts.`, evidence });
}

/** "username "u" (from ...) with the password from ...": whose credentials were refused, never the password. */
export function describeCredentials(c: CredentialSource | undefined): string {
  if (!c) return 'The credentials given to the probe were tried.';
  return `Tried username "${c.username}" (from ${c.usernameFrom}) with the password from ${c.passwordFrom}. The CMS API never returns the TURN password, so this is your copy of it: either your copy is wrong, or CMS and Expressway-E hold different passwords (the fix lists both branches).`;
}

/** Relay checks of a successful allocation: public address, media port range. */
function relayFindings(r: AllocateProbeResult, ctx: VerdictContext, evidence: Evidence[]): FindingDraft[] {
  if (!r.relayed) return [];
  const out: FindingDraft[] = [];
  const reference = ctx.natAddress ?? r.remote?.address;
  if (reference !== undefined && r.relayed.address !== reference) {
    out.push(
      emit('turn/relay-address-private', {
        subject: fmtAddress(r.relayed),
        detail: ctx.natAddress
          ? `The relayed address ${r.relayed.address} differs from --edge-nat-address ${reference}. Clients would send media to an address they cannot reach: Expressway-E static NAT is not set.`
          : `The relayed address ${r.relayed.address} differs from the address this probe reached, ${reference} (no --edge-nat-address given).`,
        evidence,
      }),
    );
  }
  const [lo, hi] = ctx.portRange ?? DEFAULT_MEDIA_PORT_RANGE;
  if (r.relayed.port < lo || r.relayed.port > hi) {
    out.push(
      emit('turn/relay-port-outside-range', {
        subject: fmtAddress(r.relayed),
        detail: `The relayed port ${r.relayed.port} is outside the media port range ${lo}-${hi}${ctx.portRange ? ' (--media-port-range)' : ' (the default range)'}; the firewall is opened for that range only, so media to this port may be dropped.`,
        evidence,
      }),
    );
  }
  return out;
}

/** Findings of one transport's Allocate probe (code `turn/allocate` for pass/skip/info). */
export function allocateFindings(r: AllocateProbeResult, ctx: VerdictContext = {}): FindingDraft[] {
  const evidence = probeEvidence(r);
  const subject = subjectOf(r);
  const T = r.transport.toUpperCase();
  switch (r.outcome) {
    case 'http-answer':
      return [httpAnswer(r, ctx, evidence)];
    case 'connect-failed':
      if (r.errorCode === TLS_HANDSHAKE_STALLED)
        return [
          undecided(
            r,
            ctx,
            evidence,
            `The TCP connection to ${r.server} opened but the TLS handshake stalled for ${Math.round(r.durationMs / 100) / 10} s.`,
          ),
        ];
      if (r.errorCode && UNREACHABLE_ERRORS.has(r.errorCode)) return [unreachable(r, ctx, evidence)];
      return [undecided(r, ctx, evidence, `Could not open ${T} to ${r.server}: ${r.error ?? r.errorCode ?? 'unknown error'}.`)];
    case 'no-answer':
      if (!r.answered && r.transport === 'udp') return [unreachable(r, ctx, evidence)];
      if (!r.answered) {
        const closed = r.transactions.some((t) => t.outcome === 'closed');
        const why = r.error ?? (closed ? 'the server closed the connection' : `silent for ${Math.round(r.durationMs / 100) / 10} s`);
        return [undecided(r, ctx, evidence, `${T} to ${r.server} connected, but the TURN Allocate got no STUN answer (${why}).`)];
      }
      return [
        emit('turn/check-error', {
          subject,
          detail: `${r.server} answered the challenge over ${T} but not the authenticated Allocate: no verdict, the server went silent after the credentials were sent.`,
          evidence,
        }),
      ];
    case 'challenged':
      return [
        {
          code: 'turn/allocate',
          status: 'skip',
          title: `TURN ${T} answers (realm "${r.realm ?? ''}"); credentials not tested`,
          detail: `The server challenged with 401, REALM and NONCE. Give ${(ctx.missing ?? ['turnUser', 'turnPassword']).map((k) => ASK[k] ?? k).join(' and ')} to test an allocation.`,
          subject,
          evidence,
          needs: [...(ctx.missing ?? ['turnUser', 'turnPassword'])],
          basis: 'documented',
        },
      ];
    case 'rejected': {
      const code = r.code;
      const authed = r.codeStep !== undefined && r.codeStep !== 'allocate';
      const known = code !== undefined && (authed || code !== 401) ? ALLOCATE_ERROR_CODES.get(code) : undefined;
      const reason = code === undefined ? '' : (ERROR_REASONS.get(code)?.reason ?? '(unregistered code)');
      if (known) {
        const creds = CREDENTIAL_CODES.has(code!) ? ` ${describeCredentials(ctx.credentials)}` : '';
        return [
          emit(known, {
            subject,
            detail: `Allocate over ${T} to ${r.server}${r.realm ? ` (realm "${r.realm}")` : ''} answered ${code} ${reason}.${code === 401 || code === 431 ? ' The request was not retried with the same credentials.' : ''}${creds}`,
            evidence: [...evidence, ...(ctx.credentials ? [{ kind: 'turn-credentials', ...ctx.credentials }] : [])],
          }),
        ];
      }
      const name = code === undefined ? 'an error without ERROR-CODE' : `${code} ${reason}`;
      return [
        emit('turn/allocate-error', {
          subject,
          detail:
            !authed && code === 401
              ? `Allocate over ${T} answered ${name}, but the challenge lacked REALM or NONCE, so no long-term credentials can be used.`
              : `The ${r.codeStep ?? 'allocate'} request over ${T} was refused with ${name}.`,
          evidence,
        }),
      ];
    }
    case 'allocated-without-auth':
      return [
        emit('turn/unauthenticated-allocation', {
          subject,
          detail: `${r.server} allocated a relay over ${T} without asking for credentials. Expressway-E always challenges; this is not the Expressway-E TURN server, or authentication is off (an open relay).`,
          evidence,
        }),
        ...relayFindings(r, ctx, evidence),
      ];
    case 'allocated':
      return [
        {
          code: 'turn/allocate',
          status: 'pass',
          title: `TURN allocation over ${T} succeeded${r.relayed ? `: relayed ${fmtAddress(r.relayed)}` : ''}`,
          detail: [
            r.realm !== undefined ? `realm "${r.realm}"` : undefined,
            r.mapped ? `mapped ${fmtAddress(r.mapped)}` : undefined,
            r.lifetime !== undefined ? `lifetime ${r.lifetime} s` : undefined,
            r.released ? 'released with Refresh lifetime 0' : 'release not confirmed',
          ]
            .filter(Boolean)
            .join(', '),
          subject,
          evidence,
          basis: 'documented',
        },
        ...relayFindings(r, ctx, evidence),
      ];
  }
}

/** Findings of the media path test (code `turn/media-path` for pass/skip). */
export function mediaPathFindings(r: AllocateProbeResult): FindingDraft[] {
  const m = r.mediaPath;
  const evidence: Evidence[] = [...probeEvidence(r), ...(m ? [{ kind: 'media-path', ...m } as Evidence] : [])];
  const subject = m?.target ?? subjectOf(r);
  if (!m || m.outcome === 'skipped') {
    return [
      {
        code: 'turn/media-path',
        status: 'skip',
        title: 'Media path not tested: no allocation',
        detail: m?.detail ?? `Allocate ended as ${r.outcome}.`,
        subject,
        evidence,
        needs: [],
      },
    ];
  }
  if (m.outcome === 'returned') {
    return [
      {
        code: 'turn/media-path',
        status: 'pass',
        title: `Media to the relayed address ${m.target} comes back through the relay`,
        detail: m.detail,
        subject,
        evidence,
        basis: 'documented',
      },
    ];
  }
  if (m.outcome === 'permission-refused')
    return [emit('turn/check-error', { subject, detail: `Media path not decided: CreatePermission was refused (${m.detail}).`, evidence })];
  return [
    emit('turn/media-path-blocked', {
      subject,
      detail: `A datagram sent to the relayed address ${m.target} never came back as a Data indication: ${m.detail}. Inbound UDP to the media port range does not reach the relay from here.`,
      evidence,
    }),
  ];
}

/** The `turn.allocate` published data. */
export function reachabilityData(results: readonly AllocateProbeResult[]): TurnReachabilityData {
  const first = results[0];
  const ok = results.find((r) => r.relayed);
  return {
    server: first?.server ?? '',
    transports: results.map((r) => ({
      transport: r.transport,
      port: Number(r.server.slice(r.server.lastIndexOf(':') + 1)),
      answered: r.answered,
      ...(r.code !== undefined ? { code: r.code } : {}),
    })),
    ...(ok?.relayed ? { relayed: { address: ok.relayed.address, port: ok.relayed.port } } : {}),
  };
}
