import dgram from 'node:dgram';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  ATTR,
  METHOD,
  StreamFramer,
  addressValue,
  decodeChannelData,
  decodeMessage,
  encodeChannelData,
  encodeMessage,
  isChannelDataStart,
  errorCodeValue,
  finalize,
  findAttribute,
  longTermKey,
  readFacts,
  stringValue,
  u32Value,
  verifyIntegrity,
  type StunMessage,
} from '@cms-doctor/turn';

export type TurnEmulatorMode = 'normal' | 'drop-udp' | 'relay-blackhole';

export interface TurnEmulatorOptions {
  host: string;
  udpPort?: number;
  tcpPort?: number;
  realm: string;
  users: Record<string, string>;
  relayHost: string;
  relayPortRange?: [number, number];
  mode?: TurnEmulatorMode;
}

export interface TurnEmulator {
  udpPort: number;
  tcpPort: number;
  close(): Promise<void>;
}

interface Allocation {
  relay: dgram.Socket;
  relayPort: number;
  permissions: Set<string>;
  key: Buffer;
  /** Channel bindings (RFC 8656 §12): number -> peer `ip:port`, and back. */
  channels: Map<number, { address: string; port: number }>;
  channelOf: Map<string, number>;
}

/** How the emulator answers one client flow (a UDP 5-tuple or a TCP connection). */
interface Flow {
  id: string;
  peer: { address: string; port: number };
  send(bytes: Buffer): void;
  /** TCP: ChannelData is padded to 4 bytes (RFC 8656 §12.5). */
  stream: boolean;
  allocation?: Allocation;
}

/** RFC 8656 §12: channel numbers 0x4000 through 0x4FFF. */
const validChannel = (n: number): boolean => n >= 0x4000 && n <= 0x4fff;
const peerKey = (p: { address: string; port: number }): string => `${p.address}:${p.port}`;

function channelFrame(channel: number, data: Buffer, stream: boolean): Buffer {
  const frame = encodeChannelData(channel, data);
  const padded = stream ? (frame.length + 3) & ~3 : frame.length;
  return padded === frame.length ? frame : Buffer.concat([frame, Buffer.alloc(padded - frame.length)]);
}

const DEFAULT_LIFETIME = 600;
const isLoopback = (h: string): boolean => /^127\./.test(h) || h === '::1' || h === 'localhost';

/**
 * An Expressway-E TURN server as far as the source document and Cisco TAC 210800 show
 * it: 401 with REALM and NONCE to an unauthenticated Allocate, 431 Integrity Check
 * Failure when the HMAC does not verify. The rest is RFC 8656 (see README.md for what is guessed).
 */
export async function startTurnEmulator(opts: TurnEmulatorOptions): Promise<TurnEmulator> {
  if (!isLoopback(opts.host) || !isLoopback(opts.relayHost)) throw new Error('the TURN emulator binds loopback addresses only');
  const mode = opts.mode ?? 'normal';
  const [lo, hi] = opts.relayPortRange ?? [24000, 29999];
  const nonce = randomBytes(12).toString('hex');
  const flows = new Map<string, Flow>();
  const relays = new Set<dgram.Socket>();

  const reply = (flow: Flow, req: StunMessage, cls: 'success' | 'error', attrs: { type: number; value: Buffer }[], key?: Buffer): void => {
    const enc = encodeMessage({ method: req.method, cls, transactionId: req.transactionId, attributes: attrs });
    flow.send(finalize(enc, { ...(key ? { key } : {}), fingerprint: true }));
  };
  const error = (flow: Flow, req: StunMessage, code: number, extra: { type: number; value: Buffer }[] = []): void =>
    reply(flow, req, 'error', [{ type: ATTR.ERROR_CODE, value: errorCodeValue(code) }, ...extra]);
  const challenge = (): { type: number; value: Buffer }[] => [
    { type: ATTR.REALM, value: stringValue(opts.realm) },
    { type: ATTR.NONCE, value: stringValue(nonce) },
  ];

  /** Long-term credential check; answers the error itself and returns the key when the request is authentic. */
  const authenticate = (flow: Flow, req: StunMessage): Buffer | undefined => {
    if (!findAttribute(req, ATTR.MESSAGE_INTEGRITY)) {
      error(flow, req, 401, challenge());
      return undefined;
    }
    const user = findAttribute(req, ATTR.USERNAME)?.value.toString('utf8');
    const password = user === undefined ? undefined : opts.users[user];
    if (user === undefined || password === undefined) {
      error(flow, req, 401, challenge()); // guess: an unknown user is challenged again
      return undefined;
    }
    const key = longTermKey(user, opts.realm, password);
    if (verifyIntegrity(req, key) !== 'valid') {
      error(flow, req, 431); // as Expressway-E does (TAC 210800 capture)
      return undefined;
    }
    if (findAttribute(req, ATTR.NONCE)?.value.toString('utf8') !== nonce) {
      error(flow, req, 438, challenge());
      return undefined;
    }
    return key;
  };

  const openRelay = async (): Promise<{ socket: dgram.Socket; port: number }> => {
    for (let i = 0; i < 50; i++) {
      const port = lo + Math.floor(Math.random() * (hi - lo + 1));
      const socket = dgram.createSocket(net.isIPv6(opts.relayHost) ? 'udp6' : 'udp4');
      const ok = await new Promise<boolean>((resolve) => {
        socket.once('error', () => resolve(false));
        socket.bind(port, opts.relayHost, () => resolve(true));
      });
      if (ok) return { socket, port };
      socket.close();
    }
    throw new Error('no free relay port');
  };

  const release = (flow: Flow): void => {
    const a = flow.allocation;
    if (!a) return;
    relays.delete(a.relay);
    a.relay.close();
    delete flow.allocation;
  };

  /** ChannelData from the client goes to the channel's peer, if a permission covers it. */
  const relayChannelData = (flow: Flow, bytes: Buffer): void => {
    const a = flow.allocation;
    if (!a) return;
    let frame;
    try {
      frame = decodeChannelData(bytes);
    } catch {
      return;
    }
    const peer = a.channels.get(frame.channel);
    if (peer && a.permissions.has(peer.address)) a.relay.send(frame.data, peer.port, peer.address);
  };

  /** ChannelBind (RFC 8656 §12.2): binds or refreshes a channel, and installs the peer's permission. */
  const bindChannel = (flow: Flow, req: StunMessage, a: Allocation, key: Buffer): void => {
    const number = findAttribute(req, ATTR.CHANNEL_NUMBER)?.value.readUInt16BE(0);
    let peer;
    try {
      peer = readFacts(req).peer;
    } catch {
      peer = undefined; // a malformed XOR-PEER-ADDRESS is a bad request, answered as such
    }
    if (number === undefined || !validChannel(number) || !peer) return error(flow, req, 400);
    const bound = a.channels.get(number);
    const other = a.channelOf.get(peerKey(peer));
    // A channel is bound to one peer and a peer to one channel for the allocation's life.
    if ((bound && peerKey(bound) !== peerKey(peer)) || (other !== undefined && other !== number)) return error(flow, req, 400);
    a.channels.set(number, { address: peer.address, port: peer.port });
    a.channelOf.set(peerKey(peer), number);
    a.permissions.add(peer.address);
    reply(flow, req, 'success', [], key);
  };

  const handle = async (flow: Flow, bytes: Buffer): Promise<void> => {
    if (bytes.length > 0 && isChannelDataStart(bytes[0]!)) return relayChannelData(flow, bytes);
    let req: StunMessage;
    try {
      req = decodeMessage(bytes);
    } catch {
      return; // neither STUN nor ChannelData: dropped
    }
    if (req.cls === 'indication') {
      if (req.method === METHOD.Send && flow.allocation) {
        const f = readFacts(req);
        if (f.peer && f.data && flow.allocation.permissions.has(f.peer.address))
          flow.allocation.relay.send(f.data, f.peer.port, f.peer.address);
      }
      return;
    }
    if (req.cls !== 'request') return;
    if (req.method === METHOD.Binding) {
      reply(flow, req, 'success', [{ type: ATTR.XOR_MAPPED_ADDRESS, value: addressValue(flow.peer, req.transactionId) }]);
      return;
    }
    if (
      req.method !== METHOD.Allocate &&
      req.method !== METHOD.Refresh &&
      req.method !== METHOD.CreatePermission &&
      req.method !== METHOD.ChannelBind
    ) {
      error(flow, req, 400);
      return;
    }
    const key = authenticate(flow, req);
    if (!key) return;
    if (req.method === METHOD.Allocate) {
      if (flow.allocation) return error(flow, req, 437);
      const transport = findAttribute(req, ATTR.REQUESTED_TRANSPORT)?.value[0];
      if (transport !== 17) return error(flow, req, transport === undefined ? 400 : 442);
      const { socket, port } = await openRelay();
      const allocation: Allocation = {
        relay: socket,
        relayPort: port,
        permissions: new Set(),
        key,
        channels: new Map(),
        channelOf: new Map(),
      };
      flow.allocation = allocation;
      relays.add(socket);
      socket.on('message', (data, rinfo) => {
        if (mode === 'relay-blackhole' || !allocation.permissions.has(rinfo.address)) return;
        const channel = allocation.channelOf.get(peerKey(rinfo));
        if (channel !== undefined) return flow.send(channelFrame(channel, data, flow.stream));
        const tid = randomBytes(12);
        flow.send(
          encodeMessage({
            method: METHOD.Data,
            cls: 'indication',
            transactionId: tid,
            attributes: [
              { type: ATTR.XOR_PEER_ADDRESS, value: addressValue(rinfo, tid) },
              { type: ATTR.DATA, value: data },
            ],
          }),
        );
      });
      reply(
        flow,
        req,
        'success',
        [
          { type: ATTR.XOR_RELAYED_ADDRESS, value: addressValue({ address: opts.relayHost, port }, req.transactionId) },
          { type: ATTR.XOR_MAPPED_ADDRESS, value: addressValue(flow.peer, req.transactionId) },
          { type: ATTR.LIFETIME, value: u32Value(DEFAULT_LIFETIME) },
        ],
        key,
      );
      return;
    }
    if (!flow.allocation) return error(flow, req, 437);
    if (req.method === METHOD.Refresh) {
      const lifetime = readFacts(req).lifetime ?? DEFAULT_LIFETIME;
      if (lifetime === 0) release(flow);
      reply(flow, req, 'success', [{ type: ATTR.LIFETIME, value: u32Value(Math.min(lifetime, 3600)) }], key);
      return;
    }
    if (req.method === METHOD.ChannelBind) return bindChannel(flow, req, flow.allocation, key);
    // CreatePermission: every XOR-PEER-ADDRESS installs a permission for its IP.
    for (const a of req.attributes) {
      if (a.type !== ATTR.XOR_PEER_ADDRESS) continue;
      const peer = readFacts({ ...req, attributes: [a] }).peer;
      if (peer) flow.allocation.permissions.add(peer.address);
    }
    reply(flow, req, 'success', [], key);
  };

  const udp = dgram.createSocket(net.isIPv6(opts.host) ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(opts.udpPort ?? 0, opts.host, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  udp.on('error', () => undefined);
  udp.on('message', (msg, rinfo) => {
    if (mode === 'drop-udp') return;
    const id = `udp/${rinfo.address}/${rinfo.port}`;
    let flow = flows.get(id);
    if (!flow) {
      flow = { id, peer: { address: rinfo.address, port: rinfo.port }, stream: false, send: (b) => udp.send(b, rinfo.port, rinfo.address) };
      flows.set(id, flow);
    }
    void handle(flow, msg).catch(() => undefined);
  });

  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((sock) => {
    sockets.add(sock);
    const id = `tcp/${sock.remoteAddress}/${sock.remotePort}`;
    const flow: Flow = {
      id,
      peer: { address: sock.remoteAddress ?? '', port: sock.remotePort ?? 0 },
      stream: true,
      send: (b) => {
        if (!sock.destroyed) sock.write(b);
      },
    };
    const framer = new StreamFramer();
    // Frames are handled in order: an Allocate's relay must exist before the next request.
    let queue = Promise.resolve();
    sock.on('data', (chunk) => {
      try {
        for (const f of framer.push(chunk)) queue = queue.then(() => handle(flow, f.bytes)).catch(() => undefined);
      } catch {
        sock.destroy();
      }
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      sockets.delete(sock);
      release(flow);
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(opts.tcpPort ?? 0, opts.host, () => {
      tcp.off('error', reject);
      resolve();
    });
  });

  return {
    udpPort: udp.address().port,
    tcpPort: (tcp.address() as net.AddressInfo).port,
    close: async () => {
      for (const flow of flows.values()) release(flow);
      for (const r of relays) r.close();
      relays.clear();
      for (const s of sockets) s.destroy();
      udp.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
