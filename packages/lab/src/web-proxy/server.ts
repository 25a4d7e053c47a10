import https from 'node:https';
import net from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_LOGIN_PAGE, BAD_REQUEST_PAGE, WEB_APP_2X_PAGE, WEB_APP_PAGE } from './pages.js';

/**
 * - `web-app`: the web bridge page, proxied from `upstream` when given, else the 3.x web app imitation;
 * - `web-app-2x`: the CMS 2.x "Cisco Meeting App" WebRTC page imitation;
 * - `bad-request`: HTTP 400 "Bad Request" (guest account client URI set to the internal name);
 * - `admin-login`: the Expressway administration login (admin port left on 443);
 * - `stall-handshake`: accepts TCP and never speaks TLS;
 * - `stall-http`: completes TLS, never answers the request.
 */
export type WebProxyMode = 'web-app' | 'web-app-2x' | 'bad-request' | 'admin-login' | 'stall-handshake' | 'stall-http';

export interface WebProxyOptions {
  /** A loopback address. */
  host: string;
  port?: number;
  tls: { key: string; cert: string };
  mode?: WebProxyMode;
  /** The CMS web bridge behind the proxy, for `web-app`. */
  upstream?: { host: string; port: number; servername: string; ca: string };
  /** Upstream request budget; the proxy answers 504 after it. */
  upstreamTimeoutMs?: number;
  /**
   * TURN over TLS on the same port, as Expressway X8.11+ does with "TCP 443 TURN service":
   * a TLS stream whose first bytes are a STUN message is relayed to this plain TCP TURN port.
   */
  turnTcp?: { host: string; port: number };
}

export interface WebProxy {
  host: string;
  port: number;
  mode: WebProxyMode;
  /** Requests answered, by Host header, for tests. */
  readonly requests: readonly { host: string; path: string }[];
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
};

function proxyTo(up: NonNullable<WebProxyOptions['upstream']>, timeoutMs: number, req: IncomingMessage, res: ServerResponse): void {
  const out = https.request(
    {
      host: up.host,
      port: up.port,
      servername: up.servername,
      ca: up.ca,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: up.servername },
      timeout: timeoutMs,
    },
    (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    },
  );
  out.on('timeout', () => out.destroy(new Error('upstream timeout')));
  out.on('error', () => {
    if (!res.headersSent) send(res, 502, '<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>');
    else res.destroy();
  });
  req.pipe(out);
}

/** STUN: first two bits zero and the magic cookie at bytes 4-7 (RFC 5389 section 6). */
export const looksLikeStun = (b: Buffer): boolean => b.length >= 8 && (b[0]! & 0xc0) === 0 && b.readUInt32BE(4) === 0x2112a442;

/**
 * Replaces the HTTPS server's per-connection handling: after the handshake, peek at the
 * first bytes; STUN goes to the TURN server over TCP, anything else to the HTTP parser.
 */
function demultiplexTurn(server: https.Server, turn: { host: string; port: number }, sockets: Set<net.Socket>): void {
  const http = server.listeners('secureConnection');
  server.removeAllListeners('secureConnection');
  server.on('secureConnection', (tlsSocket: net.Socket) => {
    tlsSocket.once('readable', () => {
      const first = (tlsSocket.read() as Buffer | null) ?? Buffer.alloc(0);
      if (looksLikeStun(first)) {
        const up = net.connect(turn.port, turn.host);
        sockets.add(up);
        up.on('close', () => sockets.delete(up));
        up.on('error', () => tlsSocket.destroy());
        tlsSocket.on('error', () => up.destroy());
        up.write(first);
        tlsSocket.pipe(up).pipe(tlsSocket);
        return;
      }
      if (first.length > 0) tlsSocket.unshift(first);
      for (const l of http) (l as (s: net.Socket) => void).call(server, tlsSocket);
    });
  });
}

/** The Expressway-E web proxy as guests see it, on a loopback address. */
export async function startWebProxy(opts: WebProxyOptions): Promise<WebProxy> {
  const mode = opts.mode ?? 'web-app';
  const sockets = new Set<net.Socket>();
  const requests: { host: string; path: string }[] = [];
  let server: net.Server;
  if (mode === 'stall-handshake') {
    // Holds the connection open and says nothing: the client's TLS handshake never completes.
    server = net.createServer((s) => {
      s.on('error', () => undefined);
    });
  } else {
    server = https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, (req, res) => {
      requests.push({ host: String(req.headers.host ?? ''), path: req.url ?? '/' });
      if (mode === 'stall-http') return; // never answers
      if (mode === 'bad-request') return send(res, 400, BAD_REQUEST_PAGE);
      if (mode === 'admin-login') return send(res, 200, ADMIN_LOGIN_PAGE, { server: 'Apache' });
      if (mode === 'web-app-2x') return send(res, 200, WEB_APP_2X_PAGE);
      if (opts.upstream) return proxyTo(opts.upstream, opts.upstreamTimeoutMs ?? 3000, req, res);
      send(res, 200, WEB_APP_PAGE);
    });
    server.on('tlsClientError', () => undefined);
    if (opts.turnTcp) demultiplexTurn(server as https.Server, opts.turnTcp, sockets);
  }
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: opts.host,
    port,
    mode,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The CMS web bridge itself: serves the web app page over TLS. */
export async function startWebBridge(opts: { host: string; port?: number; tls: { key: string; cert: string } }): Promise<WebProxy> {
  return startWebProxy({ ...opts, mode: 'web-app' });
}
