import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCertificates } from './load.js';
import { evaluateChain } from './evaluate.js';
import { createTrustStore } from './trust-store.js';
import { Certificate } from './certificate.js';
import { recognisers } from './recognise.js';

const dir = fileURLToPath(new URL('../../../fixtures/certs/realdata/', import.meta.url));
const load = (name: string) => loadCertificates(readFileSync(dir + name), { source: name });
const store = createTrustStore();
const codes = (name: string, at: string, peer?: string) => {
  const { certificates } = load(name);
  return evaluateChain(certificates, { store, now: new Date(at), ...(peer ? { name: peer } : {}) })
    .verdicts.map((v) => v.code)
    .sort();
};

describe('every real certificate file', () => {
  const files = [
    ...readdirSync(dir).filter((f) => /\.(pem|crt)$/.test(f)),
    ...readdirSync(dir + 'x509-limbo')
      .filter((f) => f.endsWith('.pem'))
      .map((f) => `x509-limbo/${f}`),
  ];
  it.each(files)('%s loads, is recognised by content and evaluates without throwing', (f) => {
    const bytes = readFileSync(dir + f);
    const r = load(f);
    expect(r.certificates.length).toBeGreaterThan(0);
    expect(r.privateKeys).toBe(0);
    expect(recognisers.filter((x) => x.recognise(bytes.subarray(0, 65536), 'x')).map((x) => x.kind)).toEqual(['x509-pem']);
    const e = evaluateChain(r.certificates, { store, name: 'example.invalid' });
    expect(e.chain).toHaveLength(r.certificates.length);
    expect(JSON.parse(JSON.stringify(e.chain))).toEqual(e.chain);
  });
});

describe('verdicts PROVENANCE.md describes (decidable offline)', () => {
  it('self-signed by signature, and expired', () => {
    expect(codes('badssl_wildcard-self-signed.pem', '2017-01-01', 'x.badssl.com')).toEqual(['cert/self-signed']);
    expect(codes('badssl_wildcard-self-signed.pem', '2019-01-01', 'x.badssl.com')).toEqual(['cert/expired', 'cert/self-signed']);
  });
  it('expired COMODO chain', () => {
    expect(codes('badssl_wildcard-expired.pem', '2016-01-01', 'expired.badssl.com')).toContain('cert/expired');
    expect(codes('badssl_wildcard-expired.pem', '2015-04-10', 'expired.badssl.com')).toEqual(['cert/expiring-soon']);
  });
  it.each(['badssl_wildcard-ecc256.pem', 'badssl_wildcard-ecc384.pem'])('%s: ECDSA leaf, trusted through a bundled root', (f) => {
    const { certificates } = load(f);
    expect(certificates[0]!.publicKey.type).toBe('ec');
    expect(certificates[0]!.signatureAlgorithm.name).toMatch(/^ecdsa-with-SHA/);
    expect(codes(f, '2021-01-01', 'ecc.badssl.com')).toEqual([]);
  });
  it('leaf without its intermediate: chain incomplete', () => {
    expect(codes('badssl_wildcard-incomplete-chain.pem', '2021-01-01', 'incomplete-chain.badssl.com')).toEqual(['cert/chain-incomplete']);
    // The leaf publishes its issuer (AIA caIssuers): evidence that the server, not a private CA, is at fault.
    const e = evaluateChain(load('badssl_wildcard-incomplete-chain.pem').certificates, {
      store,
      now: new Date('2021-01-01'),
      name: 'incomplete-chain.badssl.com',
    });
    expect(e.verdicts[0]!.detail).toMatch(
      /publishes its issuer at http:\/\/cacerts\.digicert\.com\/DigiCertSHA2SecureServerCA\.crt .*must send/,
    );
  });
  it('wildcard does not match a two-label subdomain', () => {
    expect(codes('badssl_wildcard-rsa2048.pem', '2021-01-01', 'wrong.host.badssl.com')).toEqual(['cert/san-missing']);
    expect(codes('badssl_wildcard-rsa2048.pem', '2021-01-01', 'host.badssl.com')).toEqual([]);
    expect(codes('badssl_wildcard-rsa2048.pem', '2021-01-01', 'badssl.com')).toEqual([]);
  });
  it('no common name, no subject, critical SAN: the SAN decides', () => {
    expect(codes('badssl_subdomain-no-common-name.pem', '2019-01-01', 'no-common-name.badssl.com')).toEqual([]);
    const ns = load('badssl_subdomain-no-subject.pem').certificates[0]!;
    expect(ns.subject).toBe('');
    expect(codes('badssl_subdomain-no-subject.pem', '2019-01-01', 'no-subject.badssl.com')).toEqual([]);
  });
  it('1000 SANs', () => {
    const leaf = load('badssl_subdomain-1000-sans.pem').certificates[0]!;
    expect(leaf.sans).toHaveLength(1000);
    expect(codes('badssl_subdomain-1000-sans.pem', '2020-01-01', '1000-sans.badssl.com')).toEqual([]);
  });
  it('SHA-1 signed intermediate is a weak signature', () => {
    expect(codes('badssl_wildcard-sha1-intermediate.pem', '2018-01-01', 'sha1-intermediate.badssl.com')).toContain('cert/weak-signature');
  });
  it('a revoked certificate is not called revoked or bad: revocation is not checked offline', () => {
    expect(codes('badssl_subdomain-revoked.pem', '2022-01-01', 'revoked.badssl.com')).toEqual([]);
    // ...but the evaluation says so, with the CA's CRL and OCSP addresses to check it by hand.
    const { certificates } = load('badssl_subdomain-revoked.pem');
    const e = evaluateChain(certificates, { store, now: new Date('2022-01-01'), name: 'revoked.badssl.com' });
    expect(e.revocation).toMatchObject({ kind: 'revocation', checked: false, reason: expect.stringMatching(/may still be revoked/) });
    const leaf = (e.revocation.certificates as { subject: string; crl: string[]; ocsp: string[] }[])[0]!;
    expect(leaf.subject).toMatch(/revoked\.badssl\.com/);
    expect(leaf.ocsp).toEqual(['http://ocsp.digicert.com']);
    expect(leaf.crl).toEqual([
      expect.stringMatching(/^http:\/\/crl3\.digicert\.com\//),
      expect.stringMatching(/^http:\/\/crl4\.digicert\.com\//),
    ]);
  });
  it('every real server certificate carries serverAuth: no usage verdict', () => {
    for (const f of ['badssl_wildcard-rsa2048.pem', 'badssl_wildcard-ecc256.pem', 'badssl_subdomain-revoked.pem']) {
      const leaf = load(f).certificates[0]!;
      expect(leaf.extendedKeyUsage).toContain('serverAuth');
      expect(leaf.keyUsage).toContain('digitalSignature');
    }
  });
  it('urllib3 no-SAN v1 certificate: self-signed, expired, SHA-1, RSA-1024, CN only', () => {
    const { certificates } = load('urllib3_server.no_san.crt');
    // PROVENANCE pins the file (479ffed9...); this is the SHA-256 of the DER inside, as `openssl x509 -outform der | sha256sum` gives it.
    expect(certificates[0]!.sha256).toBe('e3687096956e6774e966e011d4d59b92d44ec7370b4d2caa08d97773cf35f028');
    const e = evaluateChain(certificates, { store, name: 'localhost', now: new Date('2020-01-01') });
    expect(e.verdicts.map((v) => v.code).sort()).toEqual([
      'cert/expired',
      'cert/san-missing',
      'cert/self-signed',
      'cert/weak-key',
      'cert/weak-signature',
    ]);
    expect(e.names[0]!.note).toMatch(/only in the subject CN/);
  });
  it('negative serial and mismatched signature algorithm load', () => {
    expect(load('x509-limbo/negative_serial.pem').certificates[0]!.subject).toMatch(/gov\.us/);
    expect(load('x509-limbo/cryptography.io_mismatched.pem').certificates).toHaveLength(3);
    expect(codes('x509-limbo/cryptography.io.pem', '2023-07-01', 'cryptography.io')).toEqual([]);
  });
  it.each(['google.com', 'microsoft.com'])('x509-limbo online chain for %s validates at its validation_time', (site) => {
    const t = JSON.parse(readFileSync(`${dir}x509-limbo/${site}.limbo.json`, 'utf8')) as {
      trusted_certs: string[];
      untrusted_intermediates: string[];
      peer_certificate: string;
      validation_time: string;
      expected_peer_name: { value: string };
    };
    const pem = (p: string) => loadCertificates(p).certificates;
    const presented = [...pem(t.peer_certificate), ...t.untrusted_intermediates.flatMap(pem)];
    const anchors = createTrustStore(t.trusted_certs.flatMap(pem), { bundled: false });
    const e = evaluateChain(presented, { store: anchors, name: t.expected_peer_name.value, now: new Date(t.validation_time) });
    expect(e.path.end).toBe('trusted');
    expect(e.verdicts).toEqual([]);
    expect(presented.every((c) => c instanceof Certificate)).toBe(true);
  });
});
