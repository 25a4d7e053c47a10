import { trustContext } from '@cms-doctor/certs';
import net from 'node:net';
import tls from 'node:tls';
import { parseHttpHead, type HttpAnswer } from './classify.js';

export interface WebProxyProbeOptions {
  /** Address to connect to: the edge as guests reach it. */
  host: string;
  port: number;
  /** The web bridge name, sent as SNI. */
  servername: string;
  /** Host header; the name, plus `:port` when the port is not 443. */
  hostHeader?: string;
  /** Extra trust anchors (PEM text) on top of Node's bundled roots. */
  ca?: readonly string[];
  signal?: AbortSignal;
  /** Per-phase budgets; each is also cut short by `signal`. */
  connectTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  responseTimeoutMs?: number;
  /** How much of the body to keep for classification. */
  maxBodyBytes?: number;
}

export interface TlsFacts {
  protocol: string | null;
  /** Whether the chain verified against the roots; the probe goes on either way. */
  authorized: boolean;
  authorizationError?: string;
  peerSubject?: string;
  peerSubjectAltName?: string;
  fingerprint256?: string;
}

export type ProbePhase = 'connect' | 'handshake' | 'response';

export type WebProxyProbeResult =
  | { ok: true; tls: TlsFacts; answer: HttpAnswer; bodyComplete: boolean; elapsedMs: number }
  | { ok: false; phase: ProbePhase; error: string; code?: string; timedOut: boolean; tls?: TlsFacts; elapsedMs: number };

class PhaseError extends Error {
  constructor(
    readonly phase: ProbePhase,
    message: string,
    readonly timedOut: boolean,
    readonly code?: string,
  ) {
    super(message);
  }
}

const errCode = (e: unknown): string | undefined => {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
};

/**
 * Runs `start` until it settles, the phase budget passes, or `signal` aborts;
 * a timeout or an abort becomes a PhaseError naming the phase.
 */
function phase<T>(
  name: ProbePhase,
  ms: number,
  signal: AbortSignal | undefined,
  start: (done: (v: T) => void, fail: (e: unknown) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    const timer = setTimeout(() => finish(() => reject(new PhaseError(name, `no ${name} within ${ms} ms`, true))), ms);
    const onAbort = (): void => finish(() => reject(new PhaseError(name, `deadline reached during ${name}`, true)));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    start(
      (v) => finish(() => resolve(v)),
      (e) =>
        finish(() =>
          reject(e instanceof PhaseError ? e : new PhaseError(name, e instanceof Error ? e.message : String(e), false, errCode(e))),
        ),
    );
  });
}

function tlsFacts(s: tls.TLSSocket): TlsFacts {
  const peer = s.getPeerCertificate();
  const facts: TlsFacts = { protocol: s.getProtocol(), authorized: s.authorized };
  if (!s.authorized && s.authorizationError) facts.authorizationError = String(s.authorizationError);
  if (peer && Object.keys(peer).length > 0) {
    if (peer.subject)
      facts.peerSubject = Object.entries(peer.subject)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ');
    if (peer.subjectaltname) facts.peerSubjectAltName = peer.subjectaltname;
    if (peer.fingerprint256) facts.fingerprint256 = peer.fingerprint256;
  }
  return facts;
}

/** How many body bytes make the answer complete enough to classify. */
function bodyWanted(headers: Record<string, string>, max: number): number | 'chunked' | 'until-close' {
  const len = Number(headers['content-length']);
  if (Number.isInteger(len) && len >= 0) return Math.min(len, max);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) return 'chunked';
  return 'until-close';
}

/**
 * Connects to the edge like a guest's browser: TCP, then TLS with the web bridge
 * name as SNI, then `GET /`. Verification is recorded, not enforced, so a bad
 * certificate (the certificate checks' business) does not hide what the proxy serves.
 */
export async function probeWebProxy(opts: WebProxyProbeOptions): Promise<WebProxyProbeResult> {
  const t0 = performance.now();
  const elapsed = (): number => Math.round(performance.now() - t0);
  const maxBody = opts.maxBodyBytes ?? 16 * 1024;
  let raw: net.Socket | undefined;
  let secure: tls.TLSSocket | undefined;
  let facts: TlsFacts | undefined;
  try {
    raw = await phase<net.Socket>('connect', opts.connectTimeoutMs ?? 3000, opts.signal, (done, fail) => {
      const s = net.connect({ host: opts.host, port: opts.port });
      raw = s;
      s.once('connect', () => done(s));
      s.once('error', fail);
    });
    const sock = raw;
    secure = await phase<tls.TLSSocket>('handshake', opts.handshakeTimeoutMs ?? 3000, opts.signal, (done, fail) => {
      const s = tls.connect({
        socket: sock,
        servername: opts.servername,
        rejectUnauthorized: false,
        ...(opts.ca && opts.ca.length > 0 ? { secureContext: trustContext(opts.ca) } : {}),
      });
      secure = s;
      s.once('secureConnect', () => done(s));
      s.once('error', fail);
      s.once('close', () => fail(new Error('connection closed during the TLS handshake')));
    });
    facts = tlsFacts(secure);
    const s = secure;
    const hostHeader = opts.hostHeader ?? (opts.port === 443 ? opts.servername : `${opts.servername}:${opts.port}`);
    const result = await phase<{ answer: HttpAnswer; bodyComplete: boolean }>(
      'response',
      opts.responseTimeoutMs ?? 4000,
      opts.signal,
      (done, fail) => {
        let buf = '';
        let head: ReturnType<typeof parseHttpHead>;
        const check = (ended: boolean): void => {
          try {
            head ??= parseHttpHead(buf);
          } catch (e) {
            fail(e);
            return;
          }
          if (!head) {
            if (ended)
              fail(new Error(buf.length === 0 ? 'connection closed without an HTTP answer' : 'connection closed inside the HTTP header'));
            return;
          }
          const body = buf.slice(head.headerBytes);
          const want = bodyWanted(head.answer.headers, maxBody);
          const complete = want === 'chunked' ? /(^|\r\n)0\r\n\r\n$/.test(body) : want === 'until-close' ? ended : body.length >= want;
          if (complete || ended || body.length >= maxBody) {
            done({ answer: { ...head.answer, bodyHead: body.slice(0, maxBody) }, bodyComplete: complete });
          }
        };
        s.setEncoding('latin1');
        s.on('data', (chunk: string) => {
          buf += chunk;
          check(false);
        });
        s.once('end', () => check(true));
        s.once('error', fail);
        s.once('close', () => check(true));
        s.write(`GET / HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: cms-doctor\r\nAccept: text/html,*/*\r\nConnection: close\r\n\r\n`);
      },
    );
    return { ok: true, tls: facts, ...result, elapsedMs: elapsed() };
  } catch (e) {
    const pe = e instanceof PhaseError ? e : new PhaseError('connect', String(e), false);
    const out: WebProxyProbeResult = { ok: false, phase: pe.phase, error: pe.message, timedOut: pe.timedOut, elapsedMs: elapsed() };
    if (pe.code !== undefined) out.code = pe.code;
    if (facts) out.tls = facts;
    return out;
  } finally {
    secure?.destroy();
    raw?.destroy();
  }
}
