import type { Evidence, FindingDraft, TurnReachabilityData } from '@cms-doctor/core';
import { DEFAULT_MEDIA_PORT_RANGE } from '@cms-doctor/core';
import { ERROR_REASONS } from '../codec/constants.js';
import { fmtAddress } from '../codec/attributes.js';
import type { AllocateProbeResult } from './allocate.js';

export interface VerdictContext {
  /** The edge's public address (target.edgeNatAddress); else the address the client reached is the reference. */
  natAddress?: string;
  /** Media port range the firewall is opened for. */
  portRange?: readonly [number, number];
  /** TCP/TLS answers are expected (CMS tcpPortNumberOverride, or the user says so). */
  tcpExpected?: boolean;
  /** Inputs missing for the authenticated part, for a `skip`. */
  missing?: readonly string[];
}

/** What each error code of an authenticated Allocate means here. Decided by number, never by reason text. */
export const ALLOCATE_ERROR_CODES: ReadonlyMap<number, { code: string; title: string; fixes: string[]; basis: 'documented' | 'inferred' }> =
  new Map([
    [
      431,
      {
        code: 'turn/integrity-check-failure',
        title: 'The TURN server answered 431 Integrity Check Failure: the password does not match',
        fixes: ['turn-credentials'],
        basis: 'documented',
      },
    ],
    [
      401,
      {
        code: 'turn/credentials-rejected',
        title: 'The TURN server rejected the credentials (401 after an authenticated Allocate)',
        fixes: ['turn-credentials'],
        basis: 'documented',
      },
    ],
    [
      441,
      {
        code: 'turn/wrong-credentials',
        title: 'The TURN server answered 441 Wrong Credentials',
        fixes: ['turn-credentials'],
        basis: 'inferred',
      },
    ],
    [
      438,
      {
        code: 'turn/stale-nonce',
        title: 'The TURN server kept answering 438 Stale Nonce, even to a fresh nonce',
        fixes: [],
        basis: 'inferred',
      },
    ],
    [
      437,
      {
        code: 'turn/allocation-mismatch',
        title: 'The TURN server answered 437 Allocation Mismatch to a new allocation',
        fixes: [],
        basis: 'inferred',
      },
    ],
    [
      442,
      {
        code: 'turn/unsupported-transport',
        title: 'The TURN server refused to relay UDP (442 Unsupported Transport Protocol)',
        fixes: [],
        basis: 'inferred',
      },
    ],
    [
      486,
      {
        code: 'turn/allocation-quota-reached',
        title: 'The TURN user has reached its allocation quota (486)',
        fixes: [],
        basis: 'inferred',
      },
    ],
    [
      508,
      {
        code: 'turn/insufficient-capacity',
        title: 'The TURN server has no capacity for another allocation (508)',
        fixes: [],
        basis: 'inferred',
      },
    ],
  ]);

const UNREACHABLE_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'CMSD_TIMEOUT', 'EPIPE']);

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

function unreachable(r: AllocateProbeResult, ctx: VerdictContext, evidence: Evidence[]): FindingDraft {
  const required = r.transport === 'udp' || ctx.tcpExpected === true;
  const how =
    r.outcome === 'connect-failed'
      ? `connection failed (${r.errorCode})`
      : r.transactions[0]?.received
        ? `no valid answer after ${r.transactions[0].transmissions} transmission(s): ${r.transactions[0].received}`
        : `no answer after ${r.transactions[0]?.transmissions ?? 0} transmission(s)`;
  return {
    code: 'turn/unreachable',
    status: required ? 'fail' : 'warn',
    title: `TURN server ${r.server} does not answer on ${r.transport.toUpperCase()}`,
    detail: `${how} within ${r.durationMs} ms.${required ? '' : ' TCP/TLS TURN is optional unless CMS uses tcpPortNumberOverride or you expect it: this is a warning.'}`,
    subject: subjectOf(r),
    evidence,
    fixes: ['firewall-turn'],
    basis: 'documented',
  };
}

/** Relay checks of a successful allocation: public address, media port range. */
function relayFindings(r: AllocateProbeResult, ctx: VerdictContext, evidence: Evidence[]): FindingDraft[] {
  if (!r.relayed) return [];
  const out: FindingDraft[] = [];
  const reference = ctx.natAddress ?? r.remote?.address;
  if (reference !== undefined && r.relayed.address !== reference) {
    out.push({
      code: 'turn/relay-address-private',
      status: 'fail',
      title: `The relayed address ${r.relayed.address} is not the edge's public address ${reference}`,
      detail: ctx.natAddress
        ? 'Compared with --edge-nat-address. Clients would send media to an address they cannot reach: Expressway-E static NAT is not set.'
        : 'Compared with the address this probe reached (no --edge-nat-address given).',
      subject: fmtAddress(r.relayed),
      evidence,
      fixes: ['edge-static-nat'],
      basis: 'documented',
    });
  }
  const [lo, hi] = ctx.portRange ?? DEFAULT_MEDIA_PORT_RANGE;
  if (r.relayed.port < lo || r.relayed.port > hi) {
    out.push({
      code: 'turn/relay-port-outside-range',
      status: 'warn',
      title: `The relayed port ${r.relayed.port} is outside the media port range ${lo}-${hi}`,
      detail: 'The firewall is opened for that range only; media to this port may be dropped.',
      subject: fmtAddress(r.relayed),
      evidence,
      fixes: ['firewall-turn'],
      basis: 'documented',
    });
  }
  return out;
}

/** Findings of one transport's Allocate probe (code `turn/allocate` for pass/skip). */
export function allocateFindings(r: AllocateProbeResult, ctx: VerdictContext = {}): FindingDraft[] {
  const evidence = probeEvidence(r);
  const subject = subjectOf(r);
  switch (r.outcome) {
    case 'connect-failed':
      if (r.errorCode && UNREACHABLE_ERRORS.has(r.errorCode)) return [unreachable(r, ctx, evidence)];
      return [
        {
          code: 'turn/check-error',
          status: 'error',
          title: `Could not open ${r.transport.toUpperCase()} to ${r.server}`,
          detail: r.error ?? r.errorCode ?? '',
          subject,
          evidence,
          basis: 'documented',
        },
      ];
    case 'no-answer':
      if (!r.answered) return [unreachable(r, ctx, evidence)];
      return [
        {
          code: 'turn/check-error',
          status: 'error',
          title: `${r.server} answered the challenge but not the authenticated Allocate`,
          detail: 'No verdict: the server went silent after the credentials were sent.',
          subject,
          evidence,
          basis: 'documented',
        },
      ];
    case 'challenged':
      return [
        {
          code: 'turn/allocate',
          status: 'skip',
          title: `TURN ${r.transport.toUpperCase()} answers (realm "${r.realm ?? ''}"); credentials not tested`,
          detail: `The server challenged with 401, REALM and NONCE. Give ${(ctx.missing ?? ['turnUser', 'turnPassword']).join(' and ')} to test an allocation.`,
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
      if (known) {
        return [
          {
            code: known.code,
            status: 'fail',
            title: known.title,
            detail: `Allocate over ${r.transport.toUpperCase()} to ${r.server}${r.realm ? ` (realm "${r.realm}")` : ''} answered ${code} ${ERROR_REASONS.get(code!)?.reason ?? ''}.${code === 401 || code === 431 ? ' The request was not retried with the same credentials.' : ''}`,
            subject,
            evidence,
            fixes: known.fixes,
            basis: known.basis,
          },
        ];
      }
      const name =
        code === undefined ? 'an error without ERROR-CODE' : `${code} ${ERROR_REASONS.get(code)?.reason ?? '(unregistered code)'}`;
      return [
        {
          code: 'turn/allocate-error',
          status: 'fail',
          title: `TURN Allocate answered ${name}`,
          detail:
            !authed && code === 401
              ? 'The 401 challenge lacked REALM or NONCE, so no long-term credentials can be used.'
              : `The ${r.codeStep ?? 'allocate'} request was refused.`,
          subject,
          evidence,
          basis: 'inferred',
        },
      ];
    }
    case 'allocated-without-auth':
      return [
        {
          code: 'turn/unauthenticated-allocation',
          status: 'warn',
          title: `${r.server} allocated a relay without asking for credentials`,
          detail: 'Expressway-E always challenges; this is not the Expressway-E TURN server, or authentication is off (an open relay).',
          subject,
          evidence,
          basis: 'inferred',
        },
        ...relayFindings(r, ctx, evidence),
      ];
    case 'allocated':
      return [
        {
          code: 'turn/allocate',
          status: 'pass',
          title: `TURN allocation over ${r.transport.toUpperCase()} succeeded${r.relayed ? `: relayed ${fmtAddress(r.relayed)}` : ''}`,
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
  if (m.outcome === 'permission-refused') {
    return [
      {
        code: 'turn/check-error',
        status: 'error',
        title: 'Media path not decided: CreatePermission was refused',
        detail: m.detail,
        subject,
        evidence,
        basis: 'documented',
      },
    ];
  }
  return [
    {
      code: 'turn/media-path-blocked',
      status: 'fail',
      title: `A datagram sent to the relayed address ${m.target} never came back as a Data indication`,
      detail: `${m.detail}. Inbound UDP to the media port range does not reach the relay from here.`,
      subject,
      evidence,
      fixes: ['firewall-turn'],
      basis: 'inferred',
    },
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
