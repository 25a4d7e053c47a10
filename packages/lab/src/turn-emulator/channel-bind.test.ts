import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ATTR,
  METHOD,
  addressValue,
  decodeChannelData,
  decodeMessage,
  encodeChannelData,
  encodeMessage,
  finalize,
  findAttribute,
  longTermKey,
  readFacts,
  stringValue,
  type StunMessage,
} from '@cms-doctor/turn';
import { startTurnEmulator, type TurnEmulator } from './turn-emulator.js';

let emu: TurnEmulator | undefined;
const sockets: dgram.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await emu?.close();
  emu = undefined;
});

const udp = async (): Promise<dgram.Socket> => {
  const s = dgram.createSocket('udp4');
  sockets.push(s);
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
};
const next = (s: dgram.Socket): Promise<Buffer> => new Promise((r) => s.once('message', (m) => r(m)));

/** A client of the emulator over UDP with long-term credentials (RFC 8489 §9.2). */
async function client(port: number) {
  const s = await udp();
  const key = longTermKey('turnuser', 'TANDBERG', 'cisco');
  let nonce = '';
  const request = async (method: number, attrs: { type: number; value: Buffer }[]): Promise<StunMessage> => {
    const tid = randomBytes(12);
    const auth = nonce
      ? [
          { type: ATTR.USERNAME, value: stringValue('turnuser') },
          { type: ATTR.REALM, value: stringValue('TANDBERG') },
          { type: ATTR.NONCE, value: stringValue(nonce) },
        ]
      : [];
    const msg = encodeMessage({ method, cls: 'request', transactionId: tid, attributes: [...attrs, ...auth] });
    const answer = next(s);
    s.send(nonce ? finalize(msg, { key, fingerprint: true }) : msg, port, '127.0.0.1');
    return decodeMessage(await answer);
  };
  const transport = { type: ATTR.REQUESTED_TRANSPORT, value: Buffer.from([17, 0, 0, 0]) };
  const challenge = await request(METHOD.Allocate, [transport]);
  nonce = findAttribute(challenge, ATTR.NONCE)!.value.toString('utf8');
  const allocated = await request(METHOD.Allocate, [transport]);
  return { s, request, relayed: readFacts(allocated).relayed! };
}

const channel = (n: number) => ({ type: ATTR.CHANNEL_NUMBER, value: Buffer.from([n >> 8, n & 0xff, 0, 0]) });
// For IPv4, XOR-PEER-ADDRESS is XORed with the magic cookie only: any transaction id gives the same bytes.
const peerAttr = (address: string, port: number) => ({
  type: ATTR.XOR_PEER_ADDRESS,
  value: addressValue({ address, port }, Buffer.alloc(12)),
});

describe('TURN emulator ChannelBind and ChannelData (RFC 8656 §12)', () => {
  it('binds a channel, which installs the permission, and relays ChannelData both ways', async () => {
    emu = await startTurnEmulator({ host: '127.0.0.1', realm: 'TANDBERG', users: { turnuser: 'cisco' }, relayHost: '127.0.0.1' });
    const c = await client(emu.udpPort);
    const peer = await udp();
    const peerPort = peer.address().port;
    // A malformed peer address is refused: 400.
    const bad = await c.request(METHOD.ChannelBind, [channel(0x4001), { type: ATTR.XOR_PEER_ADDRESS, value: Buffer.alloc(0) }]);
    expect(bad.cls).toBe('error');
    const ok = await bindTo(c, 0x4001, '127.0.0.1', peerPort);
    expect(ok.cls).toBe('success');
    // Client -> peer through the channel.
    const atPeer = next(peer);
    c.s.send(encodeChannelData(0x4001, Buffer.from('ping')), emu.udpPort, '127.0.0.1');
    expect((await atPeer).toString()).toBe('ping');
    // Peer -> client arrives as ChannelData on the bound channel.
    const atClient = next(c.s);
    peer.send(Buffer.from('pong'), c.relayed.port, c.relayed.address);
    const frame = decodeChannelData(await atClient);
    expect(frame.channel).toBe(0x4001);
    expect(frame.data.toString()).toBe('pong');
    // The same channel for another peer, or a number outside 0x4000-0x4FFF: 400.
    expect((await bindTo(c, 0x4001, '127.0.0.1', peerPort + 1)).cls).toBe('error');
    expect((await bindTo(c, 0x5000, '127.0.0.1', peerPort + 2)).cls).toBe('error');
    // Refreshing the same binding succeeds.
    expect((await bindTo(c, 0x4001, '127.0.0.1', peerPort)).cls).toBe('success');
  });
});

/** ChannelBind of channel `n` to a peer. */
function bindTo(c: Awaited<ReturnType<typeof client>>, n: number, address: string, port: number): Promise<StunMessage> {
  return c.request(METHOD.ChannelBind, [channel(n), peerAttr(address, port)]);
}
