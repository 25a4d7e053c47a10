import { describe, expect, it, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CmsDoctorError, Secret, isCmsDoctorError } from '@cms-doctor/core';
import { createLabPki, type LabPki } from '../../lab/src/pki/index.js';
import { hasPeer } from '../../../test/helpers/peers.js';
import { loadCertificates, readPasswordFile } from './load.js';
import { parsePem, toPem } from './pem.js';
import { sniffDer, sniffDerHead } from './der.js';
import { recognisers } from './recognise.js';

let rsa: LabPki;
let ec: LabPki;
let dir: string;
beforeAll(async () => {
  rsa = await createLabPki({ names: ['cmsweb.octavio.com'], kind: 'rsa' });
  ec = await createLabPki({ names: ['cmsweb.octavio.com'], kind: 'ecdsa' });
  dir = mkdtempSync(join(tmpdir(), 'cmsd-load-'));
});
const kinds = (b: Uint8Array) => recognisers.filter((r) => r.recognise(b.subarray(0, 65536), 'whatever.txt')).map((r) => r.kind);

describe('PEM', () => {
  it('reads several blocks with CRLF, junk between blocks, headers and a key it does not read', () => {
    const text = `subject=CN = x\r\nissuer=CN = y\r\n${ec.chainPem.replace(/\n/g, '\r\n')}\r\nBag Attributes: junk\r\n${ec.keyPem}\n\n${ec.rootPem}`;
    const r = loadCertificates(text);
    expect(r.format).toBe('pem');
    expect(r.certificates.map((c) => c.subject)).toEqual([
      expect.stringMatching(/cmsweb/),
      expect.stringMatching(/intermediate/),
      expect.stringMatching(/root/),
    ]);
    expect(r.privateKeys).toBe(1);
    expect(JSON.stringify(r)).not.toMatch(/PRIVATE KEY-----\s*M/);
  });
  it('reports the line of a broken block', () => {
    expect(() => parsePem('x\n-----BEGIN CERTIFICATE-----\nMII$$\n-----END CERTIFICATE-----\n')).toThrow(/line 3/);
    expect(() => parsePem('-----BEGIN CERTIFICATE-----\nMIIB\n')).toThrow(/never closed/);
    expect(() => loadCertificates('-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n')).toThrow(/no certificate/);
  });
  it('round-trips DER through toPem', () => {
    const der = loadCertificates(ec.certPem).certificates[0]!.der;
    expect(parsePem(toPem(der))[0]!.der.equals(der)).toBe(true);
  });
});

describe('DER', () => {
  it('sniffs and loads a DER certificate, also from a cut head', () => {
    const der = loadCertificates(rsa.certPem).certificates[0]!.der;
    expect(sniffDer(der)).toBe('x509');
    expect(sniffDerHead(der.subarray(0, 40))).toBe('x509');
    expect(loadCertificates(der).format).toBe('der');
    expect(kinds(der)).toEqual(['x509-der']);
  });
});

describe.runIf(hasPeer('openssl'))('PKCS#7 and PKCS#12 made by openssl', () => {
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  it('PKCS#7 (.p7b) in DER and PEM, ECDSA certificates inside', () => {
    const chain = write('chain.pem', ec.fullChainPem);
    const der = execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', chain, '-outform', 'DER']);
    const pem = execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', chain], { encoding: 'utf8' });
    for (const input of [der, pem]) {
      const r = loadCertificates(input);
      expect(r.format).toBe('pkcs7');
      expect(r.certificates).toHaveLength(3);
      expect(r.certificates[0]!.publicKey.type).toBe('ec');
    }
    expect(kinds(der)).toEqual(['pkcs7-der']);
    expect(kinds(Buffer.from(pem))).toEqual(['x509-pem']);
  });
  const p12 = (pki: LabPki, extra: string[], password: string): Buffer => {
    const cert = write('p12-cert.pem', pki.chainPem);
    const key = write('p12-key.pem', pki.keyPem);
    const pass = write('p12-pass', `${password}\n`);
    return execFileSync('openssl', ['pkcs12', '-export', '-in', cert, '-inkey', key, '-passout', `file:${pass}`, ...extra]);
  };
  it.each([
    ['RSA, OpenSSL 3 default (AES-256, PBKDF2)', 'rsa', []],
    ['RSA, -legacy (RC2/3DES, Node cannot open it)', 'rsa', ['-legacy']],
    ['ECDSA (forge cannot model the certificate; its DER is kept)', 'ecdsa', []],
  ] as const)('%s with a password file', async (_, kind, extra) => {
    const bytes = p12(kind === 'rsa' ? rsa : ec, [...extra], 'correct horse');
    const password = await readPasswordFile(write('pw', 'correct horse\n'));
    const r = loadCertificates(bytes, { password });
    expect(r.format).toBe('pkcs12');
    expect(r.privateKeys).toBe(1);
    expect(r.certificates.map((c) => c.subject).sort()).toEqual([expect.stringMatching(/intermediate/), expect.stringMatching(/cmsweb/)]);
    expect(r.certificates.find((c) => /cmsweb/.test(c.subject))!.sha256).toBe(
      loadCertificates((kind === 'rsa' ? rsa : ec).certPem).certificates[0]!.sha256,
    );
    expect(kinds(bytes)).toEqual(['pkcs12']);
  });
  it('a wrong or missing password is a typed error that never shows the password', () => {
    const bytes = p12(rsa, [], 'hunter2-secret');
    let err: unknown;
    try {
      loadCertificates(bytes, { password: new Secret('wrong-guess-xyz') });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CmsDoctorError);
    expect(String((err as Error).message)).toMatch(/password does not open/);
    expect(JSON.stringify(err) + String(err) + (err as Error).stack).not.toMatch(/wrong-guess-xyz|hunter2/);
    expect(() => loadCertificates(bytes)).toThrow(/needs a password/);
  });
});

describe('fuzz: random input gives certificates or a typed error, never a crash', () => {
  const RUNS = 3000;
  it(`loadCertificates on random bytes (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        try {
          loadCertificates(b);
        } catch (e) {
          if (!isCmsDoctorError(e)) throw e;
        }
      }),
      { numRuns: RUNS },
    );
  });
  it(`loadCertificates on mutated real DER (${RUNS} runs)`, () => {
    const der = loadCertificates(ec.certPem).certificates[0]!.der;
    fc.assert(
      fc.property(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(der.length), (at, v, cut) => {
        const b = Buffer.from(der.subarray(0, Math.max(1, cut)));
        if (at < b.length) b[at] = v;
        try {
          loadCertificates(b);
        } catch (e) {
          if (!isCmsDoctorError(e)) throw e;
        }
        sniffDerHead(b);
      }),
      { numRuns: RUNS },
    );
  });
  it(`PEM armour around random base64 and junk (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.base64String({ maxLength: 400 }), fc.constantFrom('\n', '\r\n'), (junk, b64, eol) => {
        const text = `${junk}${eol}-----BEGIN CERTIFICATE-----${eol}${b64}${eol}-----END CERTIFICATE-----${eol}${junk}`;
        try {
          loadCertificates(text);
        } catch (e) {
          if (!isCmsDoctorError(e)) throw e;
        }
      }),
      { numRuns: RUNS },
    );
  });
  it(`PKCS#12-shaped random input (${RUNS / 3} runs)`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
        // PFX header: SEQUENCE { INTEGER 3, SEQUENCE { OID data ... } } then random bytes.
        const body = Buffer.concat([
          Buffer.from([0x02, 0x01, 0x03, 0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]),
          Buffer.from(tail),
        ]);
        const b = Buffer.concat([Buffer.from([0x30, 0x82, body.length >> 8, body.length & 0xff]), body]);
        try {
          loadCertificates(b, { password: new Secret('x') });
        } catch (e) {
          if (!isCmsDoctorError(e)) throw e;
        }
      }),
      { numRuns: RUNS / 3 },
    );
  });
});

describe('recognisers decide by content', () => {
  it('ignores text without certificate armour and random text', () => {
    expect(kinds(Buffer.from('Enabled : true\nTrust bundle : none\n'))).toEqual([]);
    expect(kinds(readFileSync(new URL('../../../fixtures/certs/README.md', import.meta.url)))).toEqual([]);
  });
});

describe('PEM quoted in JSON', () => {
  it('reads certificates whose line ends are \\n escapes (test vectors, API answers)', async () => {
    const { readFileSync } = await import('node:fs');
    const json = readFileSync(new URL('../../../fixtures/certs/realdata/x509-limbo/google.com.limbo.json', import.meta.url), 'utf8');
    const { certificates } = loadCertificates(json);
    expect(certificates.length).toBeGreaterThan(1);
    expect(certificates.some((c) => c.sans.some((s) => s.value === '*.google.com'))).toBe(true);
  });
});
