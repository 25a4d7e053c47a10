import { randomBytes } from 'node:crypto';
import { isSecret, type Secret } from '@cms-doctor/core';
import { ATTR, METHOD } from '../codec/constants.js';
import { encodeMessage, type StunMessage } from '../codec/message.js';
import { addressValue, readFacts, stringValue, transportValue, u32Value, type TransportAddress } from '../codec/attributes.js';
import { finalize, longTermKey, verifyIntegrity } from '../codec/integrity.js';
import { summarize, type MessageSummary } from '../codec/summary.js';
import { decodeMessage } from '../codec/message.js';
import { StunClient, type TransactionResult } from '../client/client.js';
import { HTTP_ANSWER, connectStun, type StunConnection, type TlsOptions, type TurnTransport } from '../client/connection.js';
import { testMediaPath, type MediaPathResult } from './media-path.js';

export type AllocateStep =
  'allocate' | 'allocate-authenticated' | 'allocate-new-nonce' | 'create-permission' | 'refresh-release' | 'refresh-new-nonce';

/** One request/response exchange as evidence: names, codes, timings; never key or integrity bytes. */
export interface TransactionRecord {
  step: AllocateStep;
  /** ms from the start of the probe. */
  startedMs: number;
  request: MessageSummary;
  response?: MessageSummary;
  outcome: 'answered' | 'timeout' | 'closed';
  rttMs?: number;
  transmissions: number;
  /** The response's MESSAGE-INTEGRITY checked with our key. */
  responseIntegrity?: 'valid' | 'invalid' | 'absent';
  /** Without a response: what arrived instead (replies that did not decode). */
  received?: string;
}

export type AllocateOutcome =
  /** Authenticated allocation succeeded. */
  | 'allocated'
  /** The server allocated without asking for credentials. */
  | 'allocated-without-auth'
  /** 401 with realm and nonce, and no credentials to go on with. */
  | 'challenged'
  /** An error response decided it (see `code`). */
  | 'rejected'
  /** Connected (or UDP) but no answer before the deadline. */
  | 'no-answer'
  /** TCP/TLS connection failed, or ICMP port unreachable on UDP (see `error`). */
  | 'connect-failed'
  /** The port answered the Allocate with HTTP: a web server (the web proxy), not TURN. */
  | 'http-answer';

export interface AllocateProbeResult {
  transport: TurnTransport;
  /** As given, `host:port`. */
  server: string;
  /** The address actually reached. */
  remote?: { address: string; port: number };
  answered: boolean;
  outcome: AllocateOutcome;
  /** The numeric ERROR-CODE that decided a rejection. */
  code?: number;
  /** Which request the deciding error answered. */
  codeStep?: AllocateStep;
  realm?: string;
  software?: string;
  relayed?: TransportAddress;
  mapped?: TransportAddress;
  lifetime?: number;
  released?: boolean;
  authenticated: boolean;
  transactions: TransactionRecord[];
  mediaPath?: MediaPathResult;
  /** Connection error code (ECONNREFUSED, CMSD_TIMEOUT, a TLS verification code). */
  errorCode?: string;
  error?: string;
  durationMs: number;
}

export interface AllocateProbeOptions {
  host: string;
  port: number;
  transport: TurnTransport;
  username?: string;
  password?: Secret | string;
  signal?: AbortSignal;
  /** Epoch ms: nothing waits past it. */
  deadline?: number;
  /** Cap for one transaction's wait (default 4000 ms: 4 UDP transmissions at RTO 500). */
  answerTimeoutMs?: number;
  rto?: number;
  tls?: TlsOptions;
  /** Run the media path test after a successful allocation. */
  mediaPath?: boolean;
  mediaTimeoutMs?: number;
}

const UDP = 17;

/**
 * The Allocate prober: unauthenticated Allocate (expect 401 + REALM + NONCE), then an
 * authenticated one; decides from the numeric error code only, never retries the same
 * credentials after a rejection, follows one 438 with the new nonce, optionally proves
 * the media path, and releases the allocation with Refresh lifetime 0.
 */
export async function probeAllocate(opts: AllocateProbeOptions): Promise<AllocateProbeResult> {
  const t0 = performance.now();
  const result: AllocateProbeResult = {
    transport: opts.transport,
    server: `${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`,
    answered: false,
    outcome: 'no-answer',
    authenticated: false,
    transactions: [],
    durationMs: 0,
  };
  const done = (): AllocateProbeResult => {
    result.durationMs = Math.round(performance.now() - t0);
    return result;
  };
  let conn: StunConnection;
  // The connection ends at this probe's own deadline, before the runner's: a TLS handshake that
  // stalls is this transport's verdict, never the end of the whole check.
  const signals = [
    ...(opts.signal ? [opts.signal] : []),
    ...(opts.deadline !== undefined ? [AbortSignal.timeout(Math.max(1, Math.round(opts.deadline - Date.now())))] : []),
  ];
  const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  try {
    conn = await connectStun({
      host: opts.host,
      port: opts.port,
      transport: opts.transport,
      ...(signal ? { signal } : {}),
      ...(opts.tls ? { tls: opts.tls } : {}),
    });
  } catch (e) {
    result.outcome = 'connect-failed';
    result.errorCode = String((e as { code?: unknown }).code ?? 'ERROR');
    result.error = (e as Error).message;
    return done();
  }
  result.remote = conn.remote;
  const client = new StunClient(conn);
  try {
    await runAllocate(client, opts, result, t0);
  } finally {
    client.close();
  }
  return done();
}

/** Attributes, or a function of the transaction id for XOR-encoded ones. */
type Attrs = { type: number; value: Buffer }[] | ((tid: Buffer) => { type: number; value: Buffer }[]);

interface Credentials {
  username: string;
  realm: string;
  nonce: string;
  key: Buffer;
}

async function runAllocate(client: StunClient, opts: AllocateProbeOptions, result: AllocateProbeResult, t0: number): Promise<void> {
  const exchange = async (step: AllocateStep, method: number, attrs: Attrs, creds?: Credentials): Promise<StunMessage | undefined> => {
    const tid = randomBytes(12);
    const auth = creds
      ? [
          { type: ATTR.USERNAME, value: stringValue(creds.username) },
          { type: ATTR.REALM, value: stringValue(creds.realm) },
          { type: ATTR.NONCE, value: stringValue(creds.nonce) },
        ]
      : [];
    const bytes = finalize(
      encodeMessage({
        method,
        cls: 'request',
        transactionId: tid,
        attributes: [...(typeof attrs === 'function' ? attrs(tid) : attrs), ...auth],
      }),
      { ...(creds ? { key: creds.key } : {}), fingerprint: true },
    );
    const startedMs = Math.round(performance.now() - t0);
    const cap = Date.now() + (opts.answerTimeoutMs ?? 4000);
    const deadline = opts.deadline === undefined ? cap : Math.min(cap, opts.deadline);
    const r: TransactionResult = await client.request(bytes, tid, {
      deadline,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.rto ? { rto: opts.rto } : {}),
    });
    const record: TransactionRecord = {
      step,
      startedMs,
      request: summarize(decodeMessage(bytes)),
      outcome: r.ok ? 'answered' : r.reason,
      transmissions: r.transmissions,
      ...(!r.ok && r.reason === 'timeout' && r.error ? { received: r.error } : {}),
    };
    result.transactions.push(record);
    if (!r.ok) {
      if (r.errorCode !== undefined && result.errorCode === undefined) {
        result.errorCode = r.errorCode;
        if (r.error !== undefined) result.error = r.error;
      }
      return undefined;
    }
    result.answered = true;
    record.response = summarize(r.response);
    record.rttMs = r.rttMs;
    if (creds) record.responseIntegrity = verifyIntegrity(r.response, creds.key);
    return r.response;
  };

  const allocateAttrs = [{ type: ATTR.REQUESTED_TRANSPORT, value: transportValue(UDP) }];
  const first = await exchange('allocate', METHOD.Allocate, allocateAttrs);
  if (!first) {
    result.outcome =
      result.errorCode === HTTP_ANSWER ? 'http-answer' : result.errorCode === 'ECONNREFUSED' ? 'connect-failed' : 'no-answer';
    return;
  }
  const f1 = readFacts(first);
  if (f1.software) result.software = f1.software;
  if (first.cls === 'success') {
    result.outcome = 'allocated-without-auth';
    takeAllocation(result, first);
    if (opts.mediaPath)
      result.mediaPath = await mediaPath(client, opts, result, (attrs) => exchange('create-permission', METHOD.CreatePermission, attrs));
    const rel = await exchange('refresh-release', METHOD.Refresh, [{ type: ATTR.LIFETIME, value: u32Value(0) }]);
    result.released = rel?.cls === 'success';
    return;
  }
  const code1 = f1.errorCode?.code;
  if (f1.realm !== undefined) result.realm = f1.realm;
  if (code1 !== 401 || f1.realm === undefined || f1.nonce === undefined) {
    result.outcome = 'rejected';
    if (code1 !== undefined) result.code = code1;
    result.codeStep = 'allocate';
    return;
  }
  const password = opts.password === undefined ? undefined : isSecret(opts.password) ? opts.password.reveal() : opts.password;
  if (opts.username === undefined || password === undefined) {
    result.outcome = 'challenged';
    return;
  }
  const creds: Credentials = {
    username: opts.username,
    realm: f1.realm,
    nonce: f1.nonce,
    key: longTermKey(opts.username, f1.realm, password),
  };
  result.authenticated = true;

  /** Sends an authenticated request; on 438 Stale Nonce takes the new nonce and tries once more. */
  const authed = async (step: AllocateStep, retryStep: AllocateStep, method: number, attrs: Attrs): Promise<StunMessage | undefined> => {
    const r = await exchange(step, method, attrs, creds);
    if (!r || r.cls !== 'error') return r;
    const facts = readFacts(r);
    if (facts.errorCode?.code !== 438 || facts.nonce === undefined) return r;
    creds.nonce = facts.nonce;
    if (facts.realm !== undefined && facts.realm !== creds.realm) {
      creds.realm = facts.realm;
      creds.key = longTermKey(creds.username, creds.realm, password);
    }
    return exchange(retryStep, method, attrs, creds);
  };

  const second = await authed('allocate-authenticated', 'allocate-new-nonce', METHOD.Allocate, allocateAttrs);
  if (!second) {
    result.outcome = 'no-answer';
    return;
  }
  if (second.cls !== 'success') {
    // 401 again means the credentials are wrong: decided, never retried with the same ones.
    result.outcome = 'rejected';
    const c = readFacts(second).errorCode?.code;
    if (c !== undefined) result.code = c;
    result.codeStep = result.transactions[result.transactions.length - 1]!.step;
    return;
  }
  result.outcome = 'allocated';
  takeAllocation(result, second);
  if (opts.mediaPath) {
    result.mediaPath = await mediaPath(client, opts, result, (attrs) =>
      authed('create-permission', 'create-permission', METHOD.CreatePermission, attrs),
    );
  }
  const rel = await authed('refresh-release', 'refresh-new-nonce', METHOD.Refresh, [{ type: ATTR.LIFETIME, value: u32Value(0) }]);
  result.released = rel?.cls === 'success';
}

function takeAllocation(result: AllocateProbeResult, m: StunMessage): void {
  const f = readFacts(m);
  if (f.relayed) result.relayed = f.relayed;
  if (f.mapped) result.mapped = f.mapped;
  if (f.lifetime !== undefined) result.lifetime = f.lifetime;
}

async function mediaPath(
  client: StunClient,
  opts: AllocateProbeOptions,
  result: AllocateProbeResult,
  createPermission: (attrs: Attrs) => Promise<StunMessage | undefined>,
): Promise<MediaPathResult> {
  const { relayed, mapped } = result;
  if (!relayed || !mapped) return { outcome: 'skipped', detail: 'the allocation carried no relayed or mapped address', sent: 0 };
  // Permissions are per IP: one for our own mapped address covers the second socket on this host.
  const perm = await createPermission((tid) => [{ type: ATTR.XOR_PEER_ADDRESS, value: addressValue(mapped, tid) }]);
  if (!perm || perm.cls !== 'success') {
    const code = perm ? readFacts(perm).errorCode?.code : undefined;
    return {
      outcome: 'permission-refused',
      detail: perm ? `CreatePermission answered ${code ?? 'an error'}` : 'CreatePermission got no answer',
      sent: 0,
      ...(code !== undefined ? { permissionCode: code } : {}),
    };
  }
  return testMediaPath(client, relayed, {
    timeoutMs: opts.mediaTimeoutMs ?? 2000,
    ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}
