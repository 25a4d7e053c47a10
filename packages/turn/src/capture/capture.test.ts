import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isCmsDoctorError } from '@cms-doctor/core';
import { hasPeer } from '../../../../test/helpers/peers.js';
import { ATTR, METHOD } from '../codec/constants.js';
import { encodeMessage } from '../codec/message.js';
import { errorCodeValue, stringValue, transportValue } from '../codec/attributes.js';
import { finalize, longTermKey } from '../codec/integrity.js';
import { analyseCapture } from './analyse.js';
import { captureFindings } from './verdict.js';
import { captureFormat, readCapture, scanCapture } from './pcap-reader.js';
import { decodePacket, ipv6String } from './packet.js';
import { ipToString } from '../codec/attributes.js';
import { StunScanner } from './stun-scan.js';
import { captureRecognisers } from '../checks/capture.js';

const FIX = fileURLToPath(new URL('../../../../fixtures/stun/', import.meta.url));
const captures = readdirSync(FIX).filter((n) => /\.pcap(ng)?$/.test(n));
const tmp = mkdtempSync(join(tmpdir(), 'cmsd-capture-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// ---- building synthetic captures: IPv4/IPv6 + UDP/TCP in several link layers ----
const ip4 = (s: string): number[] => s.split('.').map(Number);
function ipv4Packet(proto: number, src: string, dst: string, l4: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + l4.length, 2);
  h[8] = 64;
  h[9] = proto;
  Buffer.from(ip4(src)).copy(h, 12);
  Buffer.from(ip4(dst)).copy(h, 16);
  return Buffer.concat([h, l4]);
}
function ipv6Packet(proto: number, l4: Buffer): Buffer {
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(l4.length, 4);
  h[6] = proto;
  h[7] = 64;
  h[23] = 1;
  h[39] = 2; // ::1 -> ::2
  return Buffer.concat([h, l4]);
}
function udp(sport: number, dport: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([h, payload]);
}
function tcp(sport: number, dport: number, seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt32BE(seq, 4);
  h[12] = 0x50;
  h[13] = 0x18;
  return Buffer.concat([h, payload]);
}
type Link = 'ethernet-vlan' | 'sll' | 'sll2' | 'null' | 'raw';
function frame(link: Link, ip: Buffer): Buffer {
  const v6 = ip[0]! >> 4 === 6;
  const et = v6 ? 0x86dd : 0x0800;
  switch (link) {
    case 'ethernet-vlan': {
      const h = Buffer.alloc(18);
      h.writeUInt16BE(0x8100, 12);
      h.writeUInt16BE(100, 14);
      h.writeUInt16BE(et, 16);
      return Buffer.concat([h, ip]);
    }
    case 'sll': {
      const h = Buffer.alloc(16);
      h.writeUInt16BE(et, 14);
      return Buffer.concat([h, ip]);
    }
    case 'sll2': {
      const h = Buffer.alloc(20);
      h.writeUInt16BE(et, 0);
      return Buffer.concat([h, ip]);
    }
    case 'null': {
      const h = Buffer.alloc(4);
      h.writeUInt32LE(v6 ? 30 : 2, 0);
      return Buffer.concat([h, ip]);
    }
    case 'raw':
      return ip;
  }
}
function pcap(linkType: number, packets: Buffer[], opts: { le: boolean; nano: boolean }): Buffer {
  const w32 = (b: Buffer, v: number, o: number): void => {
    if (opts.le) b.writeUInt32LE(v, o);
    else b.writeUInt32BE(v, o);
  };
  const g = Buffer.alloc(24);
  w32(g, opts.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  if (opts.le) {
    g.writeUInt16LE(2, 4);
    g.writeUInt16LE(4, 6);
  } else {
    g.writeUInt16BE(2, 4);
    g.writeUInt16BE(4, 6);
  }
  w32(g, 65535, 16);
  w32(g, linkType, 20);
  const recs = packets.map((p, i) => {
    const h = Buffer.alloc(16);
    w32(h, 1700000000 + i, 0);
    w32(h, 5, 4);
    w32(h, p.length, 8);
    w32(h, p.length, 12);
    return Buffer.concat([h, p]);
  });
  return Buffer.concat([g, ...recs]);
}
function pcapng(linkType: number, packets: Buffer[], le: boolean): Buffer {
  const block = (type: number, body: Buffer): Buffer => {
    const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
    const b = Buffer.alloc(12 + padded.length);
    const w = (v: number, o: number): void => {
      if (le) b.writeUInt32LE(v, o);
      else b.writeUInt32BE(v, o);
    };
    w(type, 0);
    w(b.length, 4);
    padded.copy(b, 8);
    w(b.length, b.length - 4);
    return b;
  };
  const u32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    if (le) b.writeUInt32LE(v);
    else b.writeUInt32BE(v);
    return b;
  };
  const u16 = (v: number): Buffer => {
    const b = Buffer.alloc(2);
    if (le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  };
  const shb = block(0x0a0d0d0a, Buffer.concat([u32(0x1a2b3c4d), u16(1), u16(0), Buffer.alloc(8, 0xff)]));
  // if_tsresol = 9 (ns)
  const idb = block(1, Buffer.concat([u16(linkType), u16(0), u32(65535), u16(9), u16(1), Buffer.from([9, 0, 0, 0]), u32(0)]));
  const epbs = packets.map((p) => block(6, Buffer.concat([u32(0), u32(0x0018), u32(0x12345678), u32(p.length), u32(p.length), p])));
  return Buffer.concat([shb, idb, ...epbs]);
}

// ---- a TURN exchange with a 431, as Expressway-E answers a wrong password ----
const tidA = Buffer.from('aaaaaaaaaaaa');
const tidB = Buffer.from('bbbbbbbbbbbb');
const allocate = encodeMessage({
  method: METHOD.Allocate,
  cls: 'request',
  transactionId: tidA,
  attributes: [{ type: ATTR.REQUESTED_TRANSPORT, value: transportValue(17) }],
});
const challenge = encodeMessage({
  method: METHOD.Allocate,
  cls: 'error',
  transactionId: tidA,
  attributes: [
    { type: ATTR.ERROR_CODE, value: errorCodeValue(401, 'Unauthorized') },
    { type: ATTR.REALM, value: stringValue('TANDBERG') },
    { type: ATTR.NONCE, value: stringValue('abc') },
  ],
});
const authed = finalize(
  encodeMessage({
    method: METHOD.Allocate,
    cls: 'request',
    transactionId: tidB,
    attributes: [
      { type: ATTR.REQUESTED_TRANSPORT, value: transportValue(17) },
      { type: ATTR.USERNAME, value: stringValue('expturncreds') },
      { type: ATTR.REALM, value: stringValue('TANDBERG') },
      { type: ATTR.NONCE, value: stringValue('abc') },
    ],
  }),
  { key: longTermKey('expturncreds', 'TANDBERG', 'wrong') },
);
const integrityFailure = encodeMessage({
  method: METHOD.Allocate,
  cls: 'error',
  transactionId: tidB,
  attributes: [{ type: ATTR.ERROR_CODE, value: errorCodeValue(431, 'Integrity Check Failure') }],
});
const exchange = [allocate, challenge, authed, integrityFailure];

function udpExchange(link: Link, v6 = false): Buffer[] {
  return exchange.map((m, i) => {
    const l4 = i % 2 === 0 ? udp(50000, 3478, m) : udp(3478, 50000, m);
    return frame(
      link,
      v6 ? ipv6Packet(17, l4) : i % 2 === 0 ? ipv4Packet(17, '127.0.0.1', '127.0.0.2', l4) : ipv4Packet(17, '127.0.0.2', '127.0.0.1', l4),
    );
  });
}

/** The client's three requests split and joined across TCP segments; the server's answers all in one. */
function tcpExchange(): Buffer[] {
  const up = Buffer.concat([allocate, authed]);
  const down = Buffer.concat([challenge, integrityFailure]);
  return [
    ipv4Packet(6, '127.0.0.1', '127.0.0.2', tcp(50001, 3478, 1000, up.subarray(0, 10))),
    ipv4Packet(6, '127.0.0.1', '127.0.0.2', tcp(50001, 3478, 1010, up.subarray(10, 50))),
    ipv4Packet(6, '127.0.0.1', '127.0.0.2', tcp(50001, 3478, 1010, up.subarray(10, 50))), // retransmission
    ipv4Packet(6, '127.0.0.1', '127.0.0.2', tcp(50001, 3478, 1050, up.subarray(50))),
    ipv4Packet(6, '127.0.0.2', '127.0.0.1', tcp(3478, 50001, 9000, down)),
  ].map((p) => frame('raw', p));
}

const write = (name: string, bytes: Buffer): string => {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  return p;
};
const tsharkCount = (file: string, fields?: boolean): number => {
  const args = fields ? ['-r', file, '-Y', 'stun', '-T', 'fields', '-e', 'stun.type'] : ['-r', file, '-Y', 'stun'];
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return fields ? out.split(/[\n,]/).filter((s) => s.trim() !== '').length : out.split('\n').filter((l) => l.trim() !== '').length;
};

describe('real captures', () => {
  it.each(captures)('%s reads without error', async (name) => {
    const a = await analyseCapture(join(FIX, name));
    expect(a.error).toBeUndefined();
    expect(a.counts.packets).toBeGreaterThan(0);
  });

  describe.skipIf(!hasPeer('tshark'))('agree with tshark -Y stun', () => {
    it.each(captures)('%s', async (name) => {
      const a = await analyseCapture(join(FIX, name));
      expect(a.counts.stunFrames).toBe(tsharkCount(join(FIX, name)));
      expect(a.counts.stunMessages).toBe(tsharkCount(join(FIX, name), true));
    });
    it.each(captures)('%s: classic RFC 3489 count agrees with -Y classicstun', async (name) => {
      const a = await analyseCapture(join(FIX, name));
      const out = execFileSync('tshark', ['-r', join(FIX, name), '-Y', 'classicstun'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      expect(a.counts.classic).toBe(out.split('\n').filter((l) => l.trim() !== '').length);
    });
  });

  it('the .pcap-named pcapng files are recognised by content', () => {
    const head = Buffer.alloc(12);
    const fd = readdirSync(FIX).includes('nDPI_stun.pcap') ? join(FIX, 'nDPI_stun.pcap') : '';
    const bytes = execFileSync('head', ['-c', '12', fd]);
    bytes.copy(head);
    expect(captureFormat(head)).toBe('pcapng');
    expect(captureRecognisers.find((r) => r.recognise(head, 'x.pcap'))?.kind).toBe('pcapng');
  });

  it('a 437 after a successful Allocate on the same flow is a repeated Allocate, not a mismatch on a new allocation', async () => {
    // tshark -r nDPI_stun_dtls_rtp_unidir.pcapng -Y stun: frame 2 Allocate Success, frame 4 437 on the same 5-tuple.
    const unidir = await analyseCapture(join(FIX, 'nDPI_stun_dtls_rtp_unidir.pcapng'));
    const findings = captureFindings(unidir, 'f');
    // Frame 1 asks without MESSAGE-INTEGRITY and frame 2 grants a relay without one: an open relay (issue 12).
    expect(findings.map((f) => `${f.code} ${f.status}`)).toEqual([
      'turn/unauthenticated-allocation warn',
      'turn/capture info',
      'turn/capture info',
    ]);
    expect(findings[1]!.title).toMatch(/437 at frame 4 .*frame 2 had already allocated/);
    expect(findings.some((f) => f.status === 'fail')).toBe(false);
  });

  it('one counting definition: requests are transactions, retransmissions are transmissions', async () => {
    // tshark -Y stun -T fields -e stun.id: six Allocate messages in four frames, all one transaction id.
    const a = await analyseCapture(join(FIX, 'nDPI_stun_tcp_multiple_msgs_same_pkt.pcap'));
    const findings = captureFindings(a, 'f');
    const unreachable = findings.find((f) => f.code === 'turn/unreachable')!;
    expect(unreachable.status).toBe('warn');
    expect(unreachable.detail).toMatch(/1 of 1 TURN request\(s\) unanswered \(6 transmission/);
    expect(findings.find((f) => f.code === 'turn/capture')!.detail).toMatch(/0 answered and 1 unanswered/);
    if (hasPeer('tshark')) {
      const ids = execFileSync(
        'tshark',
        ['-r', join(FIX, 'nDPI_stun_tcp_multiple_msgs_same_pkt.pcap'), '-Y', 'stun', '-T', 'fields', '-e', 'stun.id'],
        {
          encoding: 'utf8',
        },
      );
      const all = ids.split(/[\s,]+/).filter(Boolean);
      expect(new Set(all).size).toBe(a.unanswered);
      expect(all.length).toBe(a.servers[0]!.transmissions);
    }
    // tshark -Y 'stun && !icmp && ip.dst==35.158.183.167 && udp.dstport==443 && stun.type==0x0003': 4 Allocate ids, 26 messages.
    const signal = await analyseCapture(join(FIX, 'nDPI_stun_signal.pcapng'));
    const edge = signal.servers.find((s) => s.server === '35.158.183.167:443')!;
    expect([edge.requests, edge.answered, edge.transmissions]).toEqual([4, 0, 26]);
    expect(captureFindings(signal, 'f').find((f) => f.subject === 'f 35.158.183.167:443/udp')?.detail).toMatch(
      /4 of 4 TURN request\(s\) unanswered \(26 transmission/,
    );
    // Every per-server figure adds up to the file's totals.
    for (const f of captures) {
      const x = await analyseCapture(join(FIX, f));
      const sum = x.servers.reduce((n, s) => n + s.requests - s.answered, 0);
      expect(sum, f).toBe(x.unanswered);
    }
  });

  it('pairs by transaction id across port pairs, keeps realms and relays', async () => {
    const stun = await analyseCapture(join(FIX, 'nDPI_stun.pcap'));
    expect(stun.allocations.map((e) => e.relayed)).toContain('10.2.0.86:44908');
    expect(stun.errors.some((e) => e.code === 401 && e.realm === 'turn.l.google.com')).toBe(true);
    // The normal 401 challenges of a healthy capture are not credential rejections.
    expect(captureFindings(stun, 'f').map((f) => f.code)).toEqual(['turn/capture']);
  });
});

describe('synthetic captures: every link layer, byte order and resolution', () => {
  const cases: [string, Buffer][] = [
    ['pcap LE µs ethernet+vlan', pcap(1, udpExchange('ethernet-vlan'), { le: true, nano: false })],
    ['pcap BE ns sll', pcap(113, udpExchange('sll'), { le: false, nano: true })],
    ['pcap LE sll2', pcap(276, udpExchange('sll2'), { le: true, nano: false })],
    ['pcap BE null (loopback) IPv6', pcap(0, udpExchange('null', true), { le: false, nano: false })],
    ['pcap raw IP, TCP split/joined/retransmitted', pcap(101, tcpExchange(), { le: true, nano: false })],
    ['pcapng BE ns', pcapng(1, udpExchange('ethernet-vlan'), false)],
    ['pcapng LE raw IPv6', pcapng(101, udpExchange('raw', true), true)],
  ];
  it.each(cases)('%s: 431 becomes turn/integrity-check-failure', async (name, bytes) => {
    const file = write(`${name.replace(/\W+/g, '_')}.pcap`, bytes);
    const a = await analyseCapture(file);
    expect(a.error).toBeUndefined();
    expect(a.counts.stunMessages).toBe(4);
    expect(a.paired).toBe(2);
    const findings = captureFindings(a, name);
    expect(findings[0]).toMatchObject({ code: 'turn/integrity-check-failure', status: 'fail', fixes: ['turn-credentials'] });
    expect(JSON.stringify(findings)).toContain('expturncreds');
    expect(JSON.stringify(findings)).not.toContain(longTermKey('expturncreds', 'TANDBERG', 'wrong').toString('hex'));
    if (hasPeer('tshark')) expect(a.counts.stunMessages).toBe(tsharkCount(file, true));
  });

  it('ns timestamps keep their resolution', async () => {
    const file = write('ns.pcapng', pcapng(1, udpExchange('ethernet-vlan'), false));
    for await (const p of readCapture(file)) {
      expect(p.time).toBeCloseTo((0x18 * 2 ** 32 + 0x12345678) / 1e9, 6);
      break;
    }
  });
});

describe('large files: chunk boundaries, big records, bounded evidence', () => {
  it('a file of several chunks, with records cut at every boundary and one larger than the tail room, reads whole', async () => {
    // Sizes chosen so records straddle the 1 MiB chunk edges at varied offsets; one of 1.5 MiB (larger than the tail room).
    const sizes: number[] = [];
    for (let i = 0; sizes.reduce((a, b) => a + b + 16, 24) < 10 << 20; i++) sizes.push(i === 300 ? 1_500_000 : 60 + ((i * 7919) % 9000));
    const packets = sizes.map((n, i) => {
      const b = Buffer.alloc(n, i & 0xff);
      b.writeUInt32BE(i, 0);
      return b;
    });
    const file = write('big.pcap', pcap(1, packets, { le: true, nano: false }));
    let i = 0;
    for await (const p of readCapture(file)) {
      expect(p.frame).toBe(i + 1);
      expect(p.data.length).toBe(sizes[i]);
      expect(p.data.readUInt32BE(0)).toBe(i);
      expect(p.data[p.data.length - 1]).toBe(p.data.length > 4 ? i & 0xff : p.data[p.data.length - 1]);
      i++;
    }
    expect(i).toBe(sizes.length);
    // The sink sees the same ranges, in place.
    let seen = 0;
    const format = await scanCapture(file, (_lt, buf, start, length, frame) => {
      if (buf.readUInt32BE(start) === frame - 1 && length === sizes[frame - 1]) seen++;
    });
    expect(format).toBe('pcap');
    expect(seen).toBe(sizes.length);
  });

  it('reads a capture given as bytes like the same file: records across step edges, the same error when cut', async () => {
    const sizes = Array.from({ length: 900 }, (_, i) => (i === 450 ? 1_500_000 : 60 + ((i * 7919) % 9000)));
    const packets = sizes.map((n, i) => Buffer.alloc(n, i & 0xff).fill(i & 0xff));
    const bytes = pcap(1, packets, { le: false, nano: true });
    const file = write('bytes.pcap', bytes);
    const fromFile: string[] = [];
    for await (const p of readCapture(file)) fromFile.push(`${p.frame} ${p.time} ${p.data.length} ${p.data[0]}`);
    const fromBytes: string[] = [];
    for await (const p of readCapture(new Uint8Array(bytes))) fromBytes.push(`${p.frame} ${p.time} ${p.data.length} ${p.data[0]}`);
    expect(fromBytes).toEqual(fromFile);
    expect(fromBytes).toHaveLength(sizes.length);
    expect(await scanCapture(bytes, () => undefined)).toBe('pcap');
    const cut = bytes.subarray(0, bytes.length - 5);
    const fileErr: unknown = await scanCapture(write('bytes-cut.pcap', cut), () => undefined).catch((e: unknown) => e);
    const bytesErr: unknown = await scanCapture(cut, () => undefined).catch((e: unknown) => e);
    expect(isCmsDoctorError(bytesErr) && bytesErr.code).toBe('CMSD_PARSE');
    expect((bytesErr as Error).message).toBe((fileErr as Error).message);
    await expect(scanCapture(new Uint8Array(0), () => undefined)).rejects.toMatchObject({ code: 'CMSD_PARSE' });
  });

  it('a truncated last record is reported after every earlier packet is handed over', async () => {
    const full = pcap(1, udpExchange('ethernet-vlan'), { le: true, nano: false });
    const file = write('cut.pcap', full.subarray(0, full.length - 5));
    let frames = 0;
    await expect(
      scanCapture(file, () => {
        frames++;
      }),
    ).rejects.toMatchObject({ code: 'CMSD_PARSE' });
    expect(frames).toBe(3);
    const a = await analyseCapture(file);
    expect(a.error).toMatch(/truncated/);
    expect(a.counts.stunMessages).toBe(3);
  });

  it('a request waits at most 60 s of capture time for its answer: pending state is bounded by time', async () => {
    // pcap() stamps packet i at second i: the answer to the first Allocate comes 72 s later.
    const filler = Array.from({ length: 70 }, () =>
      frame('raw', ipv4Packet(17, '127.0.0.1', '127.0.0.9', udp(40000, 40001, Buffer.alloc(30)))),
    );
    const [req, challengeA] = [udpExchange('raw')[0]!, udpExchange('raw')[1]!];
    const other = frame('raw', ipv4Packet(17, '127.0.0.1', '127.0.0.2', udp(50000, 3478, authed)));
    const late = await analyseCapture(write('late.pcap', pcap(101, [req, ...filler, other, challengeA], { le: true, nano: false })));
    expect(late.paired).toBe(0);
    expect(late.unanswered).toBe(2);
    const inTime = await analyseCapture(
      write('in-time.pcap', pcap(101, [req, ...filler.slice(0, 10), other, challengeA], { le: true, nano: false })),
    );
    expect(inTime.paired).toBe(1);
    expect(inTime.unanswered).toBe(1);
  });

  it('routine 401 challenges, however many, do not crowd a 431 out of the evidence', async () => {
    const packets: Buffer[] = [];
    for (let i = 0; i < 300; i++) {
      const tid = Buffer.alloc(12);
      tid.writeUInt32BE(i + 1, 8);
      const req = encodeMessage({
        method: METHOD.Allocate,
        cls: 'request',
        transactionId: tid,
        attributes: [{ type: ATTR.REQUESTED_TRANSPORT, value: transportValue(17) }],
      });
      const ch = encodeMessage({
        method: METHOD.Allocate,
        cls: 'error',
        transactionId: tid,
        attributes: [
          { type: ATTR.ERROR_CODE, value: errorCodeValue(401, 'Unauthorized') },
          { type: ATTR.REALM, value: stringValue('TANDBERG') },
          { type: ATTR.NONCE, value: stringValue('abc') },
        ],
      });
      packets.push(
        frame('raw', ipv4Packet(17, '127.0.0.1', '127.0.0.2', udp(50000, 3478, req))),
        frame('raw', ipv4Packet(17, '127.0.0.2', '127.0.0.1', udp(3478, 50000, ch))),
      );
    }
    packets.push(...udpExchange('raw'));
    const a = await analyseCapture(write('many-challenges.pcap', pcap(101, packets, { le: true, nano: false })));
    expect(a.paired).toBe(302);
    expect(a.errors.filter((e) => e.code === 401).length).toBeLessThanOrEqual(20);
    expect(captureFindings(a, 'f')[0]).toMatchObject({ code: 'turn/integrity-check-failure' });
  });
});

describe('classic RFC 3489 STUN off port 3478', () => {
  /** A cookieless message: type, 16-byte id, a MAPPED-ADDRESS for answers. */
  const classic = (type: number, id: Buffer): Buffer => {
    const attrs = type === 0x0101 ? Buffer.from([0, 1, 0, 8, 0, 1, 0xd7, 0x0a, 172, 16, 63, 224]) : Buffer.alloc(0);
    const h = Buffer.alloc(20);
    h.writeUInt16BE(type, 0);
    h.writeUInt16BE(attrs.length, 2);
    id.copy(h, 4);
    return Buffer.concat([h, attrs]);
  };
  const dgram = (up: boolean, payload: Buffer): Buffer =>
    frame(
      'raw',
      up
        ? ipv4Packet(17, '127.0.0.1', '127.0.0.2', udp(55050, 13958, payload))
        : ipv4Packet(17, '127.0.0.2', '127.0.0.1', udp(13958, 55050, payload)),
    );
  const scan = (packets: Buffer[]): StunScanner => {
    const s = new StunScanner(() => undefined);
    packets.forEach((p, i) => s.push({ frame: i + 1, linkType: 101, time: i, data: p, originalLength: p.length }));
    return s;
  };
  const id = Buffer.from('0123456789abcdef');

  it('a request and the answer with its 128-bit id count as two; either alone, or ids that differ, count nothing', () => {
    expect(scan([dgram(true, classic(0x0001, id)), dgram(false, classic(0x0101, id))]).counts.classic).toBe(2);
    expect(scan([dgram(true, classic(0x0001, id))]).counts.classic).toBe(0);
    expect(scan([dgram(false, classic(0x0101, id))]).counts.classic).toBe(0);
    expect(scan([dgram(true, classic(0x0001, id)), dgram(false, classic(0x0101, Buffer.from('0123456789abcdeX')))]).counts.classic).toBe(0);
    // The answer must come back within the same conversation.
    const elsewhere = frame('raw', ipv4Packet(17, '127.0.0.3', '127.0.0.1', udp(13958, 55050, classic(0x0101, id))));
    expect(scan([dgram(true, classic(0x0001, id)), elsewhere]).counts.classic).toBe(0);
  });

  it(`random payloads shaped like classic STUN (right type, right length) are never counted (${2000} runs)`, () => {
    // Ids unique per run: two equal ids in one conversation would be a genuine pair.
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.tuple(
            fc.boolean(),
            fc.constantFrom(0x0001, 0x0002, 0x0101, 0x0111, 0x0102, 0x0112),
            fc.uint8Array({ minLength: 16, maxLength: 16 }),
            fc.uint8Array({ maxLength: 40 }),
          ),
          { minLength: 1, maxLength: 12, selector: (m) => Buffer.from(m[2]).toString('hex') },
        ),
        (msgs) => {
          const packets = msgs.map(([up, type, tid, body]) => {
            const h = Buffer.alloc(20);
            h.writeUInt16BE(type, 0);
            h.writeUInt16BE(body.length, 2);
            Buffer.from(tid).copy(h, 4);
            return dgram(up, Buffer.concat([h, Buffer.from(body)]));
          });
          expect(scan(packets).counts.classic).toBe(0);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('fuzz (fast-check)', () => {
  const RUNS = 2000;
  it(`decodePacket and the scanner never throw on random frames (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1, 101, 108, 113, 276, 228, 229), fc.uint8Array({ maxLength: 300 }), (lt, bytes) => {
        const data = Buffer.from(bytes);
        decodePacket(lt, data);
        new StunScanner(() => undefined).push({ frame: 1, linkType: lt, time: 0, data, originalLength: data.length });
      }),
      { numRuns: RUNS },
    );
  });

  it(`the scanner reads a frame in place inside a larger buffer exactly as alone (${RUNS} runs)`, () => {
    // In place, the bytes after a frame belong to the next record: every read must stop at the frame's end.
    const seeds = [...udpExchange('ethernet-vlan'), ...udpExchange('sll'), ...udpExchange('null', true), ...tcpExchange()];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds.keys()),
        fc.array(fc.tuple(fc.nat(120), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(200),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.nat(40),
        (k, edits, cut, noise, lead) => {
          const lt = k < 4 ? 1 : k < 8 ? 113 : k < 12 ? 0 : 101;
          const f = Buffer.from(seeds[k]!).subarray(0, cut === 0 ? undefined : Math.min(cut, seeds[k]!.length));
          for (const [at, v] of edits) if (at < f.length) f[at] = v;
          const alone = new StunScanner(() => undefined);
          alone.push({ frame: 1, linkType: lt, time: 0, data: Buffer.from(f), originalLength: f.length });
          const inPlace = new StunScanner(() => undefined);
          const big = Buffer.concat([Buffer.alloc(lead, 0xaa), f, Buffer.from(noise)]);
          inPlace.frame(lt, big, lead, f.length, 1, 0);
          expect(inPlace.counts).toEqual(alone.counts);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`ipv6String agrees with ipToString (${RUNS * 5} runs)`, () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }).chain((b) =>
          fc.array(fc.nat(7), { maxLength: 8 }).map((zeros) => {
            const x = Buffer.from(b);
            for (const z of zeros) x.writeUInt16BE(0, 2 * z);
            return x;
          }),
        ),
        (b) => {
          expect(ipv6String(b, 0)).toBe(ipToString(b, 6));
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });

  it(`random or mutated capture files fail only with CMSD_PARSE (${RUNS / 10} runs)`, async () => {
    const seed = pcap(1, udpExchange('ethernet-vlan'), { le: true, nano: false });
    const seedNg = pcapng(1, udpExchange('ethernet-vlan'), true);
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(600), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(700),
        async (ng, edits, cut) => {
          const b = Buffer.from(ng ? seedNg : seed).subarray(0, cut);
          for (const [at, v] of edits) if (at < b.length) b[at] = v;
          const file = write('fuzz.bin', Buffer.from(b));
          try {
            for await (const _ of readCapture(file)) {
              /* drain */
            }
          } catch (e) {
            if (!isCmsDoctorError(e) || e.code !== 'CMSD_PARSE') throw e;
          }
          const a = await analyseCapture(file);
          captureFindings(a, 'fuzz');
        },
      ),
      { numRuns: RUNS / 10 },
    );
  });
});

const REAL = fileURLToPath(new URL('../../../../fixtures/realworld/captures/', import.meta.url));
const realCaptures = readdirSync(REAL).map((n) => join(REAL, n));
const allCaptures = [...captures.map((n) => join(FIX, n)), ...realCaptures];

/** Request transactions of one kind (Binding, or every other method) and how many were answered, per tshark. */
function tsharkPairs(file: string, binding: boolean, extra: string[] = []): [number, number] {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      file,
      ...extra,
      '-Y',
      'stun && !icmp && !icmpv6',
      '-T',
      'fields',
      '-e',
      'stun.type.method',
      '-e',
      'stun.type.class',
      '-e',
      'stun.id',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const req = new Set<string>();
  const resp = new Set<string>();
  for (const line of out.split('\n')) {
    const [ms, cs, ids] = line.split('\t').map((f) => (f ?? '').split(','));
    ms!.forEach((m, i) => {
      if (m === '' || (m === '0x0001') !== binding) return;
      const c = cs![i];
      if (c === '0x0000') req.add(ids![i]!);
      else if (c === '0x0010' || c === '0x0011') resp.add(ids![i]!);
    });
  }
  return [req.size, [...req].filter((id) => resp.has(id)).length];
}

describe('issue 12: Binding pairs, MS-TURN, open relays, STUN off its port', () => {
  it('Binding checks beyond the 50,000 held are forgotten oldest first: a later copy of the first counts anew, of the last as a retransmission', async () => {
    const held = 50_000;
    const bindingRequest = (n: number): Buffer => {
      const m = Buffer.alloc(20);
      m.writeUInt16BE(0x0001, 0);
      m.writeUInt32BE(0x2112a442, 4);
      m.writeUInt32BE(n, 16);
      return frame('raw', ipv4Packet(17, '127.0.0.1', '127.0.0.2', udp(50000, 3478, m)));
    };
    const packets = Array.from({ length: held + 1 }, (_, n) => bindingRequest(n + 1));
    packets.push(bindingRequest(1), bindingRequest(held + 1));
    const a = await analyseCapture(write('binding-ring.pcap', pcap(101, packets, { le: true, nano: false })));
    expect(a.binding).toEqual({ requests: held + 2, transmissions: held + 3, answered: 0, responses: 0 });
  });

  it.each([
    ['nDPI_stun_google_meet.pcapng', 44, 43],
    ['nDPI_stun_zoom.pcapng', 6, 6],
    ['nDPI_skype-conference-call.pcap', 5, 5],
  ])('%s: Binding requests are counted as answered (%i transactions, %i answered)', async (name, requests, answered) => {
    const a = await analyseCapture(join(REAL, name));
    expect([a.binding.requests, a.binding.answered]).toEqual([requests, answered]);
    const info = captureFindings(a, name).find((f) => f.code === 'turn/capture')!;
    expect(info.detail).toContain(`${answered} request(s) answered and ${requests - answered} unanswered`);
  });

  describe.skipIf(!hasPeer('tshark'))('counts agree with tshark on every real capture', () => {
    it.each(allCaptures)('%s', async (file) => {
      const a = await analyseCapture(file);
      expect([a.binding.requests, a.binding.answered]).toEqual(tsharkPairs(file, true));
      expect([a.paired + a.unanswered, a.paired]).toEqual(tsharkPairs(file, false));
    });
  });

  it('MS-TURN (Teams, unpadded attributes) reads without an undecodable message, pairs as tshark does (17 requests, 11 answered)', async () => {
    const a = await analyseCapture(join(FIX, 'nDPI_teams.pcap'));
    expect(a.error).toBeUndefined();
    expect(a.counts.malformed).toBe(0);
    expect([a.paired + a.unanswered, a.paired]).toEqual([17, 11]);
    for (const f of ['nDPI_skype-conference-call.pcap', 'nDPI_stun_msteams_unidir.pcapng']) {
      const r = await analyseCapture(join(REAL, f));
      expect([r.error, r.counts.malformed]).toEqual([undefined, 0]);
    }
  });

  it('an Allocate success with a relay, no challenge and no MESSAGE-INTEGRITY is turn/unauthenticated-allocation; challenged or relay-less ones are not', async () => {
    const open = captureFindings(await analyseCapture(join(FIX, 'nDPI_stun_dtls_rtp_unidir.pcapng')), 'f');
    expect(open[0]).toMatchObject({ code: 'turn/unauthenticated-allocation', status: 'warn', subject: 'f frame 2' });
    expect(open[0]!.detail).toMatch(/relayed 10\.1\.0\.3:60815.*answering frame 1/);
    // Challenged with 401 and then authenticated (Google), or MESSAGE-INTEGRITY on every success
    // (WhatsApp), or no relayed address granted (WhatsApp voice): no open relay.
    for (const file of [
      join(FIX, 'nDPI_stun_dtls_rtp.pcapng'),
      join(FIX, 'nDPI_stun.pcap'),
      join(REAL, 'nDPI_stun_wa_call.pcapng'),
      join(REAL, 'nDPI_whatsapp_voice_and_message.pcap'),
    ])
      expect(captureFindings(await analyseCapture(file), 'f').map((f) => f.code)).not.toContain('turn/unauthenticated-allocation');
  });

  it('STUN over TCP 443 and 80 is found by its header; TLS and HTTP on those ports are not', async () => {
    const up = Buffer.concat([allocate, authed]);
    const down = Buffer.concat([challenge, integrityFailure]);
    // A TLS ClientHello whose bytes 4-7 happen to equal the magic cookie, and an HTTP request.
    const tlsHello = Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x00]), Buffer.from('2112a442', 'hex'), Buffer.alloc(60, 1)]);
    const http = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    for (const port of [443, 80]) {
      const packets = [
        ipv4Packet(6, '127.0.0.1', '127.0.0.2', tcp(50001, port, 1000, up)),
        ipv4Packet(6, '127.0.0.2', '127.0.0.1', tcp(port, 50001, 9000, down)),
        ipv4Packet(6, '127.0.0.1', '127.0.0.2', tcp(50002, port, 1, tlsHello)),
        ipv4Packet(6, '127.0.0.1', '127.0.0.2', tcp(50003, port, 1, http)),
      ].map((p) => frame('raw', p));
      const file = write(`tcp${port}.pcap`, pcap(101, packets, { le: true, nano: false }));
      const a = await analyseCapture(file);
      expect([a.counts.stunMessages, a.paired, a.counts.malformed]).toEqual([4, 2, 0]);
      expect(captureFindings(a, 'f')[0]).toMatchObject({ code: 'turn/integrity-check-failure' });
      if (hasPeer('tshark')) expect(tsharkPairs(file, false, ['-d', `tcp.port==${port},stun`])).toEqual([2, 2]);
    }
  });

  it('real TLS and HTTP on TCP 443/80 (Teams, WhatsApp captures) holds no STUN; tshark forced to decode it as STUN finds no message with a cookie either', async () => {
    for (const file of [join(FIX, 'nDPI_teams.pcap'), join(REAL, 'nDPI_whatsapp_voice_and_message.pcap')]) {
      const onWebPorts: number[] = [];
      const scanner = new StunScanner((c) => {
        if ([c.srcPort, c.dstPort].some((p) => p === 443 || p === 80)) onWebPorts.push(c.frame);
      });
      await scanCapture(
        file,
        (lt, b, st, len, fr, t) => scanner.frame(lt, b, st, len, fr, t),
        () => undefined,
      );
      expect(onWebPorts).toEqual([]);
      if (hasPeer('tshark')) {
        const out = execFileSync(
          'tshark',
          [
            '-r',
            file,
            '-d',
            'tcp.port==443,stun',
            '-d',
            'tcp.port==80,stun',
            '-Y',
            'stun.cookie == 21:12:a4:42 && (tcp.port==443 || tcp.port==80) && !_ws.malformed',
          ],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
        );
        expect(out.trim()).toBe('');
      }
    }
  });

  it('a cookie at offset 4 is not enough: an unknown method or a length off the framing is not STUN', () => {
    let seen = 0;
    const scanner = new StunScanner(() => seen++);
    const fake = Buffer.concat([Buffer.from([0x3f, 0xff, 0x00, 0x04]), Buffer.from('2112a442', 'hex'), Buffer.alloc(16)]);
    const odd = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x05]), Buffer.from('2112a442', 'hex'), Buffer.alloc(17, 0xff)]);
    for (const payload of [fake, odd]) {
      const p = frame('raw', ipv4Packet(17, '127.0.0.1', '127.0.0.2', udp(40000, 443, payload)));
      scanner.push({ linkType: 101, data: p, frame: 1, time: 0, originalLength: 0 });
    }
    expect([seen, scanner.counts.stunMessages]).toEqual([0, 0]);
  });

  it('fuzz: the scanner never throws on arbitrary UDP/TCP payloads on any port', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 65535 }), fc.boolean(), (bytes, port, overTcp) => {
        const scanner = new StunScanner((c) => {
          void c.transactionKey;
          void c.transactionHash;
          void c.srcKey;
          void c.attributeText(ATTR.USERNAME);
          try {
            void c.message;
          } catch (e) {
            if (!isCmsDoctorError(e)) throw e;
          }
        });
        const payload = Buffer.from(bytes);
        if (payload.length >= 8 && bytes[0]! % 2 === 0) payload.writeUInt32BE(0x2112a442, 4);
        const l4 = overTcp ? tcp(50000, port, 1, payload) : udp(50000, port, payload);
        scanner.push({
          linkType: 101,
          data: frame('raw', ipv4Packet(overTcp ? 6 : 17, '127.0.0.1', '127.0.0.2', l4)),
          frame: 1,
          time: 0,
          originalLength: 0,
        });
      }),
      { numRuns: 2000 },
    );
  });
});
