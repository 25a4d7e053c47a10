import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { lookup } from 'node:dns/promises';
import { CmsDoctorError, withSignal } from '@cms-doctor/core';
import { StreamFramer } from './framer.js';

export type TurnTransport = 'udp' | 'tcp' | 'tls';

export interface Endpoint {
  address: string;
  port: number;
}

export interface TlsOptions {
  /** SNI and the name the certificate must carry; defaults to the host when it is a name. */
  servername?: string;
  /** Default true; false is an explicit, reported choice. */
  rejectUnauthorized?: boolean;
  ca?: (string | Buffer)[];
}

/** One client flow to a STUN/TURN server, over any transport, delivering whole frames. */
export interface StunConnection {
  readonly transport: TurnTransport;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  send(bytes: Uint8Array): void;
  /** Whole STUN messages or ChannelData frames, as received. */
  onFrame(listener: (bytes: Buffer) => void): void;
  /** The flow ended (TCP close, framing error, socket error). */
  onClose(listener: (reason?: Error) => void): void;
  close(): void;
}

/** Error code of a stream flow whose peer answered HTTP, not STUN. */
export const HTTP_ANSWER = 'HTTP_ANSWER';
/** Error code of a TLS flow whose TCP connection opened but whose handshake never finished. */
export const TLS_HANDSHAKE_STALLED = 'TLS_HANDSHAKE_STALLED';

export interface ConnectOptions {
  host: string;
  port: number;
  transport: TurnTransport;
  signal?: AbortSignal;
  tls?: TlsOptions;
}

async function resolveHost(host: string, signal?: AbortSignal): Promise<{ address: string; family: 4 | 6 }> {
  const v = net.isIP(host);
  if (v) return { address: host, family: v as 4 | 6 };
  const r = await withSignal(lookup(host), signal);
  return { address: r.address, family: r.family === 6 ? 6 : 4 };
}

function udpConnection(socket: dgram.Socket, remote: Endpoint): StunConnection {
  const frameListeners: ((b: Buffer) => void)[] = [];
  const closeListeners: ((e?: Error) => void)[] = [];
  let closed = false;
  const end = (e?: Error): void => {
    if (closed) return;
    closed = true;
    try {
      socket.close();
    } catch {
      /* already closed */
    }
    for (const l of closeListeners) l(e);
  };
  socket.on('message', (msg) => {
    for (const l of frameListeners) l(msg);
  });
  // ICMP port unreachable shows up as ECONNREFUSED on a connected UDP socket: nothing listens
  // there, so the flow ends at once with that error instead of waiting out the retransmissions.
  socket.on('error', (e) => end(e));
  const addr = socket.address();
  return {
    transport: 'udp',
    local: { address: addr.address, port: addr.port },
    remote,
    send: (bytes) => {
      if (!closed) socket.send(bytes);
    },
    onFrame: (l) => frameListeners.push(l),
    onClose: (l) => closeListeners.push(l),
    close: () => end(),
  };
}

function streamConnection(socket: net.Socket, transport: TurnTransport, remote: Endpoint): StunConnection {
  const framer = new StreamFramer();
  const frameListeners: ((b: Buffer) => void)[] = [];
  const closeListeners: ((e?: Error) => void)[] = [];
  let closed = false;
  const end = (e?: Error): void => {
    if (closed) return;
    closed = true;
    socket.destroy();
    for (const l of closeListeners) l(e);
  };
  let first = true;
  socket.on('data', (chunk: Buffer) => {
    // A web server (the Expressway-E web proxy on 443) answers a STUN request with an HTTP
    // error page: say so instead of reporting a framing error.
    if (first && chunk.subarray(0, 5).toString('latin1') === 'HTTP/') {
      const line = chunk.toString('latin1').split(/\r?\n/)[0]!.slice(0, 120);
      return end(Object.assign(new Error(`answered HTTP: ${line}`), { code: HTTP_ANSWER }));
    }
    first = false;
    try {
      for (const f of framer.push(chunk)) for (const l of frameListeners) l(f.bytes);
    } catch (e) {
      end(e as Error);
    }
  });
  socket.on('error', (e) => end(e));
  socket.on('close', () => end());
  return {
    transport,
    local: { address: socket.localAddress ?? '', port: socket.localPort ?? 0 },
    remote,
    send: (bytes) => {
      if (!closed) socket.write(bytes);
    },
    onFrame: (l) => frameListeners.push(l),
    onClose: (l) => closeListeners.push(l),
    close: () => end(),
  };
}

/**
 * Opens a flow to a STUN/TURN server. UDP binds an ephemeral port and connects it
 * (so only the server's datagrams arrive); TCP/TLS reject with the socket error
 * (ECONNREFUSED etc.) or CMSD_TIMEOUT when `signal` aborts first.
 */
export async function connectStun(opts: ConnectOptions): Promise<StunConnection> {
  const { address, family } = await resolveHost(opts.host, opts.signal);
  const remote = { address, port: opts.port };
  if (opts.transport === 'udp') {
    const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    await withSignal(
      new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.connect(opts.port, address, () => {
          socket.off('error', reject);
          resolve();
        });
      }),
      opts.signal,
      () => socket.close(),
    );
    return udpConnection(socket, remote);
  }
  const socket =
    opts.transport === 'tls'
      ? tls.connect({
          host: address,
          port: opts.port,
          servername: opts.tls?.servername ?? (net.isIP(opts.host) ? undefined : opts.host),
          rejectUnauthorized: opts.tls?.rejectUnauthorized ?? true,
          ...(opts.tls?.ca ? { ca: opts.tls.ca } : {}),
        })
      : net.connect({ host: address, port: opts.port });
  let tcpOpen = false;
  socket.once('connect', () => {
    tcpOpen = true;
  });
  await withSignal(
    new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once(opts.transport === 'tls' ? 'secureConnect' : 'connect', () => {
        socket.off('error', reject);
        resolve();
      });
    }),
    opts.signal,
    () => socket.destroy(),
  ).catch((e: unknown) => {
    socket.destroy();
    // TCP open but no handshake: something listens but does not finish TLS, undecided rather than closed.
    if (opts.transport === 'tls' && tcpOpen && isTimeout(e))
      throw Object.assign(new Error('the TCP connection opened but the TLS handshake did not finish'), { code: TLS_HANDSHAKE_STALLED });
    throw e;
  });
  return streamConnection(socket, opts.transport, remote);
}

export const isTimeout = (e: unknown): boolean => e instanceof CmsDoctorError && e.code === 'CMSD_TIMEOUT';
