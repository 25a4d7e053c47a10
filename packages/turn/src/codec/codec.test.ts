import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isCmsDoctorError } from '@cms-doctor/core';
import {
  ATTR,
  METHOD,
  addressValue,
  decodeChannelData,
  decodeMessage,
  encodeMessage,
  errorCodeValue,
  finalize,
  findAttribute,
  longTermKey,
  messageType,
  readErrorCode,
  readFacts,
  readXorAddress,
  shortTermKey,
  splitMessageType,
  stringValue,
  summarize,
  verifyFingerprint,
  verifyIntegrity,
  u32Value,
  transportValue,
} from './index.js';

const FIX = new URL('../../../../fixtures/stun/', import.meta.url);
const file = (name: string): Buffer => readFileSync(new URL(name, FIX));
const SHORT_TERM = shortTermKey('VOkJxbRl1RmTxUk/WvJxBt');

describe('RFC 5769 test vectors', () => {
  it('2.1 sample request: attributes, integrity, fingerprint', () => {
    const m = decodeMessage(file('rfc5769/rfc5769_2.1_sample_request.bin'));
    expect(m.method).toBe(METHOD.Binding);
    expect(m.cls).toBe('request');
    expect(findAttribute(m, ATTR.SOFTWARE)?.value.toString()).toBe('STUN test client');
    expect(findAttribute(m, ATTR.PRIORITY)?.value.readUInt32BE(0)).toBe(0x6e0001ff);
    expect(findAttribute(m, ATTR.ICE_CONTROLLED)?.value.toString('hex')).toBe('932ff9b151263b36');
    expect(findAttribute(m, ATTR.USERNAME)?.value.toString()).toBe('evtj:h6vY');
    expect(verifyIntegrity(m, SHORT_TERM)).toBe('valid');
    expect(verifyFingerprint(m)).toBe('valid');
    expect(verifyIntegrity(m, shortTermKey('wrong'))).toBe('invalid');
  });

  it('2.2 IPv4 response', () => {
    const m = decodeMessage(file('rfc5769/rfc5769_2.2_sample_ipv4_response.bin'));
    expect(m.cls).toBe('success');
    expect(readFacts(m)).toMatchObject({ software: 'test vector', mapped: { family: 4, address: '192.0.2.1', port: 32853 } });
    expect(verifyIntegrity(m, SHORT_TERM)).toBe('valid');
    expect(verifyFingerprint(m)).toBe('valid');
  });

  it('2.3 IPv6 response (XOR with the transaction id)', () => {
    const m = decodeMessage(file('rfc5769/rfc5769_2.3_sample_ipv6_response.bin'));
    expect(readFacts(m).mapped).toEqual({ family: 6, address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 });
    expect(verifyIntegrity(m, SHORT_TERM)).toBe('valid');
    expect(verifyFingerprint(m)).toBe('valid');
  });

  it('2.4 long-term credentials with SASLprep of user and password', () => {
    const m = decodeMessage(file('rfc5769/rfc5769_2.4_sample_request_long_term_auth.bin'));
    const user = '\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9';
    expect(readFacts(m)).toMatchObject({ realm: 'example.org', nonce: 'f//499k954d6OL34oL9FSTvy64sA' });
    expect(findAttribute(m, ATTR.USERNAME)?.value.toString()).toBe(user);
    // The RFC's password carries a soft hyphen that SASLprep removes.
    expect(verifyIntegrity(m, longTermKey(user, 'example.org', 'TheMatr\u00ADIX'))).toBe('valid');
    expect(verifyIntegrity(m, longTermKey(user, 'example.org', 'TheMatrIX'))).toBe('valid');
    expect(verifyIntegrity(m, longTermKey(user, 'example.org', 'thematrix'))).toBe('invalid');
    expect(verifyFingerprint(m)).toBe('absent');
  });

  it('one flipped byte breaks integrity (what a server answers 431 to)', () => {
    const bytes = Buffer.from(file('rfc5769/rfc5769_2.1_sample_request.bin'));
    bytes[30]! ^= 0x01;
    const m = decodeMessage(bytes);
    expect(verifyIntegrity(m, SHORT_TERM)).toBe('invalid');
    expect(verifyFingerprint(m)).toBe('invalid');
  });
});

describe('real messages', () => {
  it('pion Chrome/coturn Allocate dialogue', () => {
    const lines = file('pion-turn_01_chromeallocreq.hex').toString().trim().split('\n');
    const msgs = lines.map((l) => decodeMessage(Buffer.from(l.trim(), 'hex')));
    expect(msgs.map((m) => `${m.method}/${m.cls}`)).toEqual(['3/request', '3/error', '3/request', '3/success']);
    expect(readFacts(msgs[1]!)).toMatchObject({
      errorCode: { code: 401, reason: 'Unauthorized' },
      nonce: '5a0209b5cb806106',
      realm: 'a1.cydev.ru',
    });
    expect(findAttribute(msgs[2]!, ATTR.USERNAME)?.value.toString()).toBe('ernado');
    expect(readFacts(msgs[3]!)).toMatchObject({
      relayed: { address: '10.8.22.83', port: 55936 },
      mapped: { address: '213.141.156.236', port: 36000 },
      lifetime: 600,
    });
    expect(msgs[0]!.transactionId.toString('hex')).toBe('626b4a6849664c3630526863');
  });

  it('pion ChannelData frames, one carrying a STUN message', () => {
    const lines = file('pion-turn_02_chandata.hex').toString().trim().split('\n');
    const frames = lines.map((l) => decodeChannelData(Buffer.from(l.trim(), 'hex')));
    expect(frames.map((f) => f.channel)).toEqual([0x4000, 0x4000]);
    expect(frames[0]!.data.length).toBe(100);
    expect(decodeMessage(frames[0]!.data).method).toBe(METHOD.Binding);
  });

  it('aioice, pion and browser messages decode, with valid fingerprints where present', () => {
    const bins = [
      'aioice_binding_request.bin',
      'aioice_binding_request_ice_controlled.bin',
      'aioice_binding_request_ice_controlling.bin',
      'aioice_binding_response.bin',
      'pion-stun_ex1_chrome.stun',
    ];
    const csv = file('pion-stun_frombrowsers.csv')
      .toString()
      .split('\n')
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('ip,'));
    const all = [...bins.map(file), ...csv.map((l) => Buffer.from(l.split(',')[1]!, 'base64'))];
    expect(all.length).toBe(19);
    for (const bytes of all) {
      const m = decodeMessage(bytes);
      expect(verifyFingerprint(m)).not.toBe('invalid');
      expect(() => JSON.stringify(summarize(m))).not.toThrow();
    }
    const resp = readFacts(decodeMessage(file('aioice_binding_response.bin')));
    expect(resp.software).toMatch(/^Citrix/);
  });

  it('every .bin/.stun/.hex file in the fixtures decodes', () => {
    for (const name of readdirSync(FIX).filter((n) => /\.(bin|stun)$/.test(n))) expect(() => decodeMessage(file(name))).not.toThrow();
  });
});

describe('codec details', () => {
  it('message type interleaves class bits', () => {
    expect(messageType(METHOD.Allocate, 'request')).toBe(0x0003);
    expect(messageType(METHOD.Allocate, 'error')).toBe(0x0113);
    expect(messageType(METHOD.Data, 'indication')).toBe(0x0017);
    expect(messageType(METHOD.Binding, 'success')).toBe(0x0101);
    for (const t of [0x0003, 0x0113, 0x0017, 0x0101, 0x0118]) {
      const { method, cls } = splitMessageType(t);
      expect(messageType(method, cls)).toBe(t);
    }
  });

  it('ERROR-CODE: the numeric code, trailing NULs stripped, RFC 3489 classes', () => {
    const tid = Buffer.alloc(12, 7);
    for (const code of [300, 401, 431, 437, 438, 441, 442, 486, 508, 600]) {
      const m = decodeMessage(
        encodeMessage({
          method: METHOD.Allocate,
          cls: 'error',
          transactionId: tid,
          attributes: [{ type: ATTR.ERROR_CODE, value: errorCodeValue(code, 'Whatever\0') }],
        }),
      );
      expect(readFacts(m).errorCode).toEqual({ code, reason: 'Whatever' });
    }
    const short = decodeMessage(
      encodeMessage({
        method: 1,
        cls: 'error',
        transactionId: tid,
        attributes: [{ type: ATTR.ERROR_CODE, value: Buffer.from([0, 0, 4]) }],
      }),
    );
    expect(() => readErrorCode(short.attributes[0]!)).toThrow(expect.objectContaining({ code: 'CMSD_PARSE' }));
  });

  it('encode + finalize round trip verifies with SHA-1 and SHA-256 integrity', () => {
    const key = longTermKey('turnuser', 'example', 'cisco');
    const tid = Buffer.from('0123456789ab');
    const base = encodeMessage({
      method: METHOD.Allocate,
      cls: 'request',
      transactionId: tid,
      attributes: [
        { type: ATTR.REQUESTED_TRANSPORT, value: transportValue(17) },
        { type: ATTR.USERNAME, value: stringValue('turnuser') },
        { type: ATTR.LIFETIME, value: u32Value(600) },
      ],
    });
    for (const sha256 of [false, true]) {
      const m = decodeMessage(finalize(base, { key, sha256, fingerprint: true }));
      expect(verifyIntegrity(m, key, sha256 ? 'sha256' : 'sha1')).toBe('valid');
      expect(verifyFingerprint(m)).toBe('valid');
    }
  });

  it('XOR addresses v4 and v6 round trip', () => {
    const tid = Buffer.from('abcdefghijkl');
    for (const addr of [
      { address: '127.0.0.1', port: 3478 },
      { address: '2001:db8::1', port: 24000 },
      { address: '::ffff:10.0.0.1', port: 1 },
    ]) {
      const m = decodeMessage(
        encodeMessage({
          method: 1,
          cls: 'success',
          transactionId: tid,
          attributes: [{ type: ATTR.XOR_MAPPED_ADDRESS, value: addressValue(addr, tid) }],
        }),
      );
      const got = readXorAddress(m.attributes[0]!, m.transactionId);
      expect(got.port).toBe(addr.port);
      expect(addr.address.startsWith('::ffff') ? got.address : got.address).toBe(
        addr.address === '::ffff:10.0.0.1' ? '::ffff:a00:1' : addr.address,
      );
    }
  });

  it('bounds: the 0xFFFF attribute length and a truncated header are typed parse errors', () => {
    const m = Buffer.from(file('rfc5769/rfc5769_2.2_sample_ipv4_response.bin'));
    m.writeUInt16BE(0xffff, 22);
    expect(() => decodeMessage(m)).toThrow(
      expect.objectContaining({ code: 'CMSD_PARSE', place: expect.objectContaining({ field: 'attribute' }) }),
    );
    expect(() => decodeMessage(m.subarray(0, 10))).toThrow(expect.objectContaining({ code: 'CMSD_PARSE' }));
  });
});

describe('fuzz (fast-check)', () => {
  const RUNS = 5000;
  const onlyParseErrors = (f: () => unknown): void => {
    try {
      f();
    } catch (e) {
      if (!isCmsDoctorError(e) || e.code !== 'CMSD_PARSE') throw e;
    }
  };

  it(`random bytes never throw anything but CMSD_PARSE (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, classic) => {
        onlyParseErrors(() => {
          const m = decodeMessage(bytes, { classic, lenientLength: classic });
          readFacts(m);
          summarize(m);
          verifyIntegrity(m, SHORT_TERM);
          verifyIntegrity(m, SHORT_TERM, 'sha256');
          verifyFingerprint(m);
        });
        onlyParseErrors(() => decodeChannelData(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it(`mutated real messages never throw anything but CMSD_PARSE (${RUNS} runs)`, () => {
    const seeds = readdirSync(new URL('rfc5769/', FIX)).map((n) => file(`rfc5769/${n}`));
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        (i, edits) => {
          const b = Buffer.from(seeds[i]!);
          for (const [at, v] of edits) if (at < b.length) b[at] = v;
          onlyParseErrors(() => {
            const m = decodeMessage(b);
            readFacts(m);
            summarize(m);
            verifyIntegrity(m, SHORT_TERM);
            verifyFingerprint(m);
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`encode/decode round trip (${RUNS} runs)`, () => {
    const attr = fc.record({ type: fc.integer({ min: 0, max: 0xffff }), value: fc.uint8Array({ maxLength: 64 }) });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xfff }),
        fc.constantFrom('request', 'indication', 'success', 'error' as const),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.array(attr, { maxLength: 8 }),
        (method, cls, tid, attributes) => {
          const m = decodeMessage(encodeMessage({ method, cls, transactionId: tid, attributes }));
          expect(m.method).toBe(method);
          expect(m.cls).toBe(cls);
          expect([...m.transactionId]).toEqual([...tid]);
          expect(m.attributes.map((a) => [a.type, [...a.value]])).toEqual(attributes.map((a) => [a.type, [...a.value]]));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
