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
import { captureFormat, readCapture } from './pcap-reader.js';
import { decodePacket } from './packet.js';
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
  h[0] = 0x45; h.writeUInt16BE(20 + l4.length, 2); h[8] = 64; h[9] = proto;
  Buffer.from(ip4(src)).copy(h, 12); Buffer.from(ip4(dst)).copy(h, 16);
  return Buffer.concat([h, l4]);
}
function ipv6Packet(proto: number, l4: Buffer): Buffer {
  const h = Buffer.alloc(40);
  h[0] = 0x60; h.writeUInt16BE(l4.length, 4); h[6] = proto; h[7] = 64;
  h[23] = 1; h[39] = 2; // ::1 -> ::2
  return Buffer.concat([h, l4]);
}
function udp(sport: number, dport: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(sport, 0); h.writeUInt16BE(dport, 2); h.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([h, payload]);
}
function tcp(sport: number, dport: number, seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(sport, 0); h.writeUInt16BE(dport, 2); h.writeUInt32BE(seq, 4); h[12] = 0x50; h[13] = 0x18;
  return Buffer.concat([h, payload]);
}
type Link = 'ethernet-vlan' | 'sll' | 'sll2' | 'null' | 'raw';
function frame(link: Link, ip: Buffer): Buffer {
  const v6 = ip[0]! >> 4 === 6;
  const et = v6 ? 0x86dd : 0x0800;
  switch (link) {
    case 'ethernet-vlan': { const h = Buffer.alloc(18); h.writeUInt16BE(0x8100, 12); h.writeUInt16BE(100, 14); h.writeUInt16BE(et, 16); return Buffer.concat([h, ip]); }
    case 'sll': { const h = Buffer.alloc(16); h.writeUInt16BE(et, 14); return Buffer.concat([h, ip]); }
    case 'sll2': { const h = Buffer.alloc(20); h.writeUInt16BE(et, 0); return Buffer.concat([h, ip]); }
    case 'null': { const h = Buffer.alloc(4); h.writeUInt32LE(v6 ? 30 : 2, 0); return Buffer.concat([h, ip]); }
    case 'raw': return ip;
  }
}
function pcap(linkType: number, packets: Buffer[], opts: { le: boolean; nano: boolean }): Buffer {
  const w32 = (b: Buffer, v: number, o: number): void => { if (opts.le) b.writeUInt32LE(v, o); else b.writeUInt32BE(v, o); };
  const g = Buffer.alloc(24);
  w32(g, opts.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  if (opts.le) { g.writeUInt16LE(2, 4); g.writeUInt16LE(4, 6); } else { g.writeUInt16BE(2, 4); g.writeUInt16BE(4, 6); }
  w32(g, 65535, 16); w32(g, linkType, 20);
  const recs = packets.map((p, i) => { const h = Buffer.alloc(16); w32(h, 1700000000 + i, 0); w32(h, 5, 4); w32(h, p.length, 8); w32(h, p.length, 12); return Buffer.concat([h, p]); });
  return Buffer.concat([g, ...recs]);
}
function pcapng(linkType: number, packets: Buffer[], le: boolean): Buffer {
  const block = (type: number, body: Buffer): Buffer => {
    const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
    const b = Buffer.alloc(12 + padded.length);
    const w = (v: number, o: number): void => { if (le) b.writeUInt32LE(v, o); else b.writeUInt32BE(v, o); };
    w(type, 0); w(b.length, 4); padded.copy(b, 8); w(b.length, b.length - 4);
    return b;
  };
  const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); if (le) b.writeUInt32LE(v); else b.writeUInt32BE(v); return b; };
  const u16 = (v: number): Buffer => { const b = Buffer.alloc(2); if (le) b.writeUInt16LE(v); else b.writeUInt16BE(v); return b; };
  const shb = block(0x0a0d0d0a, Buffer.concat([u32(0x1a2b3c4d), u16(1), u16(0), Buffer.alloc(8, 0xff)]));
  // if_tsresol = 9 (ns)
  const idb = block(1, Buffer.concat([u16(linkType), u16(0), u32(65535), u16(9), u16(1), Buffer.from([9, 0, 0, 0]), u32(0)]));
  const epbs = packets.map((p) => block(6, Buffer.concat([u32(0), u32(0x0018), u32(0x12345678), u32(p.length), u32(p.length), p])));
  return Buffer.concat([shb, idb, ...epbs]);
}

// ---- a TURN exchange with a 431, as Expressway-E answers a wrong password ----
const tidA = Buffer.from('aaaaaaaaaaaa');
const tidB = Buffer.from('bbbbbbbbbbbb');
const allocate = encodeMessage({ method: METHOD.Allocate, cls: 'request', transactionId: tidA, attributes: [{ type: ATTR.REQUESTED_TRANSPORT, value: transportValue(17) }] });
const challenge = encodeMessage({ method: METHOD.Allocate, cls: 'error', transactionId: tidA, attributes: [{ type: ATTR.ERROR_CODE, value: errorCodeValue(401, 'Unauthorized') }, { type: ATTR.REALM, value: stringValue('TANDBERG') }, { type: ATTR.NONCE, value: stringValue('abc') }] });
const authed = finalize(encodeMessage({ method: METHOD.Allocate, cls: 'request', transactionId: tidB, attributes: [{ type: ATTR.REQUESTED_TRANSPORT, value: transportValue(17) }, { type: ATTR.USERNAME, value: stringValue('expturncreds') }, { type: ATTR.REALM, value: stringValue('TANDBERG') }, { type: ATTR.NONCE, value: stringValue('abc') }] }), { key: longTermKey('expturncreds', 'TANDBERG', 'wrong') });
const integrityFailure = encodeMessage({ method: METHOD.Allocate, cls: 'error', transactionId: tidB, attributes: [{ type: ATTR.ERROR_CODE, value: errorCodeValue(431, 'Integrity Check Failure') }] });
const exchange = [allocate, challenge, authed, integrityFailure];

function udpExchange(link: Link, v6 = false): Buffer[] {
  return exchange.map((m, i) => {
    const l4 = i % 2 === 0 ? udp(50000, 3478, m) : udp(3478, 50000, m);
    return frame(link, v6 ? ipv6Packet(17, l4) : i % 2 === 0 ? ipv4Packet(17, '127.0.0.1', '127.0.0.2', l4) : ipv4Packet(17, '127.0.0.2', '127.0.0.1', l4));
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

const write = (name: string, bytes: Buffer): string => { const p = join(tmp, name); writeFileSync(p, bytes); return p; };
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
  });

  it('the .pcap-named pcapng files are recognised by content', () => {
    const head = Buffer.alloc(12);
    const fd = readdirSync(FIX).includes('nDPI_stun.pcap') ? join(FIX, 'nDPI_stun.pcap') : '';
    const bytes = execFileSync('head', ['-c', '12', fd]);
    bytes.copy(head);
    expect(captureFormat(head)).toBe('pcapng');
    expect(captureRecognisers.find((r) => r.recognise(head, 'x.pcap'))?.kind).toBe('pcapng');
  });

  it('pairs by transaction id across port pairs, names 437, keeps realms and relays', async () => {
    const unidir = await analyseCapture(join(FIX, 'nDPI_stun_dtls_rtp_unidir.pcapng'));
    expect(captureFindings(unidir, 'f').map((f) => f.code)).toEqual(['turn/allocation-mismatch', 'turn/capture']);
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

describe('fuzz (fast-check)', () => {
  const RUNS = 2000;
  it(`decodePacket and the scanner never throw on random frames (${RUNS} runs)`, () => {
    fc.assert(fc.property(fc.constantFrom(0, 1, 101, 108, 113, 276, 228, 229), fc.uint8Array({ maxLength: 300 }), (lt, bytes) => {
      const data = Buffer.from(bytes);
      decodePacket(lt, data);
      new StunScanner(() => undefined).push({ frame: 1, linkType: lt, time: 0, data, originalLength: data.length });
    }), { numRuns: RUNS });
  });

  it(`random or mutated capture files fail only with CMSD_PARSE (${RUNS / 10} runs)`, async () => {
    const seed = pcap(1, udpExchange('ethernet-vlan'), { le: true, nano: false });
    const seedNg = pcapng(1, udpExchange('ethernet-vlan'), true);
    await fc.assert(fc.asyncProperty(fc.boolean(), fc.array(fc.tuple(fc.nat(600), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(700), async (ng, edits, cut) => {
      const b = Buffer.from(ng ? seedNg : seed).subarray(0, cut);
      for (const [at, v] of edits) if (at < b.length) b[at] = v;
      const file = write('fuzz.bin', Buffer.from(b));
      try {
        for await (const _ of readCapture(file)) { /* drain */ }
      } catch (e) {
        if (!isCmsDoctorError(e) || e.code !== 'CMSD_PARSE') throw e;
      }
      const a = await analyseCapture(file);
      captureFindings(a, 'fuzz');
    }), { numRuns: RUNS / 10 });
  });
});
