import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChecks } from '@cms-doctor/core';
import { createLabPki, type LabPkiOptions } from '../../lab/src/pki/index.js';
import { memFile } from './testing/mem-file.js';
import { loadCertificates } from './load.js';
import { evaluateChain } from './evaluate.js';
import { createTrustStore } from './trust-store.js';
import { ekuProblem, keyUsageProblem } from './usage.js';
import { edgeCheck, filesCheck, webbridgeInternalCheck } from './checks.js';

const NAME = 'cmsweb.octavio.com';

/** Evaluates a generated chain as presented for NAME, trusted through its own root. */
const judge = async (opts: Partial<LabPkiOptions>) => {
  const pki = await createLabPki({ names: [NAME], ...opts });
  const chain = loadCertificates(pki.chainPem).certificates;
  const e = evaluateChain(chain, { store: createTrustStore(loadCertificates(pki.caPem).certificates), name: NAME });
  return { pki, chain, e, codes: e.verdicts.map((v) => [v.code, v.status]) };
};

describe('Extended Key Usage of a certificate presented for the web bridge name', () => {
  it.each(['rsa', 'ecdsa'] as const)('%s: serverAuth + clientAuth (the lab default) and no EKU at all are fine', async (kind) => {
    expect((await judge({ kind })).codes).toEqual([]);
    expect((await judge({ kind, leafEku: [] })).codes).toEqual([]);
    expect((await judge({ kind, leafEku: [] })).chain[0]!.extendedKeyUsage).toBeUndefined();
  });
  it('clientAuth only: eku-server-auth-missing, fail, with the EKU in the detail and the certificate as evidence', async () => {
    const { e, codes } = await judge({ leafEku: ['clientAuth'] });
    expect(codes).toEqual([['cert/eku-server-auth-missing', 'fail']]);
    expect(e.verdicts[0]).toMatchObject({
      fixes: ['cert-server-usage'],
      basis: 'field',
      detail: expect.stringMatching(/clientAuth.*1\.3\.6\.1\.5\.5\.7\.3\.1/),
    });
    expect(e.chain[0]).toMatchObject({ extendedKeyUsage: ['clientAuth'] });
  });
  it('an unknown purpose OID is listed by OID', async () => {
    const { e } = await judge({ leafEku: ['1.3.6.1.4.1.311.20.2.2', 'emailProtection'] });
    expect(e.verdicts[0]!.detail).toMatch(/1\.3\.6\.1\.4\.1\.311\.20\.2\.2, emailProtection/);
  });
  it('anyExtendedKeyUsage without serverAuth: a warning (Chrome accepts it, Firefox does not)', async () => {
    const { e, codes } = await judge({ leafEku: ['anyExtendedKeyUsage', 'clientAuth'] });
    expect(codes).toEqual([['cert/eku-server-auth-missing', 'warn']]);
    expect(e.verdicts[0]!.detail).toMatch(/Firefox/);
  });
  it('an intermediate whose EKU lacks serverAuth restricts the path (EKU chaining)', async () => {
    const { e, codes } = await judge({ intermediateEku: ['clientAuth'] });
    expect(codes).toEqual([['cert/eku-server-auth-missing', 'fail']]);
    expect(e.verdicts[0]!.detail).toMatch(/Certificate #1 .*intermediate/);
    expect((await judge({ intermediateEku: ['serverAuth', 'clientAuth'] })).codes).toEqual([]);
  });
  it('is not judged when no name is asked for (a call bridge certificate may be a client certificate)', async () => {
    const pki = await createLabPki({ names: ['cms.cms.octavio.local'], leafEku: ['clientAuth'] });
    const e = evaluateChain(loadCertificates(pki.chainPem).certificates, {
      store: createTrustStore(loadCertificates(pki.caPem).certificates),
    });
    expect(e.verdicts).toEqual([]);
  });
});

describe('Key Usage against the key type', () => {
  it('ECDSA key without digitalSignature cannot sign the handshake: fail', async () => {
    expect((await judge({ kind: 'ecdsa', leafKeyUsage: ['keyAgreement'] })).codes).toEqual([['cert/key-usage-mismatch', 'fail']]);
  });
  it('RSA key with keyEncipherment only: warning (static RSA key exchange only)', async () => {
    const { e, codes } = await judge({ kind: 'rsa', leafKeyUsage: ['keyEncipherment'] });
    expect(codes).toEqual([['cert/key-usage-mismatch', 'warn']]);
    expect(e.verdicts[0]!.detail).toMatch(/ERR_SSL_KEY_USAGE_INCOMPATIBLE/);
  });
  it('RSA key with neither digitalSignature nor keyEncipherment: fail', async () => {
    expect((await judge({ kind: 'rsa', leafKeyUsage: ['nonRepudiation', 'dataEncipherment'] })).codes).toEqual([
      ['cert/key-usage-mismatch', 'fail'],
    ]);
  });
  it.each([
    ['rsa', ['digitalSignature']],
    ['rsa', ['digitalSignature', 'keyEncipherment']],
    ['ecdsa', ['digitalSignature', 'keyAgreement']],
    ['ecdsa', []],
  ] as const)('%s with %j is fine', async (kind, leafKeyUsage) => {
    expect((await judge({ kind, leafKeyUsage: [...leafKeyUsage] })).codes).toEqual([]);
  });
  it('both problems on one certificate are two verdicts', async () => {
    const { codes } = await judge({ kind: 'ecdsa', leafKeyUsage: ['keyAgreement'], leafEku: ['codeSigning'] });
    expect(codes).toEqual([
      ['cert/eku-server-auth-missing', 'fail'],
      ['cert/key-usage-mismatch', 'fail'],
    ]);
  });
  it('the pure judges return nothing for a certificate without the extensions', async () => {
    const pki = await createLabPki({ names: [NAME], leafEku: [], leafKeyUsage: [] });
    const [leaf] = loadCertificates(pki.certPem).certificates;
    expect(leaf!.keyUsage).toBeUndefined();
    expect(ekuProblem(leaf!, 'x')).toBeUndefined();
    expect(keyUsageProblem(leaf!, 'x')).toBeUndefined();
  });
});

describe('live checks against a real node:tls server on loopback', () => {
  const servers: Server[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'cmsd-usage-'));
  afterAll(() => {
    servers.forEach((s) => s.close());
    rmSync(dir, { recursive: true, force: true });
  });
  it('clientAuth-only certificate: fail at the edge, warn on the internal web bridge', async () => {
    const pki = await createLabPki({ names: [NAME], kind: 'rsa', leafEku: ['clientAuth'] });
    const s = createServer({ key: pki.keyPem, cert: pki.chainPem });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const addr = `127.0.0.1:${(s.address() as AddressInfo).port}`;
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, pki.caPem);
    const r = await runChecks([edgeCheck, webbridgeInternalCheck], {
      target: { external: NAME, edge: addr, webbridge: addr, ca: [ca] },
      mode: 'live',
    });
    const by = (check: string) =>
      r.findings.filter((f) => f.check === check && f.status !== 'info').map((f) => [f.code, f.status, f.basis]);
    expect(by('cert.edge')).toEqual([['cert/eku-server-auth-missing', 'fail', 'field']]);
    expect(by('cert.webbridge-internal')).toEqual([['cert/eku-server-auth-missing', 'warn', 'field']]);
    const f = r.findings.find((x) => x.check === 'cert.webbridge-internal')!;
    expect(f.detail).toMatch(/Expressway-C/);
    expect(f.fixes).toEqual(['cert-server-usage']);
    expect(f.evidence.map((e) => e.kind)).toContain('revocation');
  });
});

describe('cert.files (offline)', () => {
  it('the web bridge certificate file with a clientAuth-only EKU fails; another certificate is not judged for usage', async () => {
    const edge = await createLabPki({ names: [NAME, 'vcse.octavio.com'], leafEku: ['clientAuth'] });
    const cb = await createLabPki({ names: ['cms.cms.octavio.local'], leafEku: ['clientAuth'] });
    const files = [
      memFile('b/edge.pem', 'x509-pem', edge.fullChainPem),
      memFile('b/callbridge.cer', 'x509-pem', cb.certPem),
      memFile('b/root.cer', 'x509-pem', cb.rootPem + cb.intermediatePem),
    ];
    const ca = join(mkdtempSync(join(tmpdir(), 'cmsd-usage-')), 'ca.pem');
    writeFileSync(ca, edge.caPem);
    const r = await runChecks([filesCheck], { target: { external: NAME, ca: [ca] }, mode: 'offline', files });
    expect(r.findings.filter((f) => f.status !== 'info').map((f) => [f.code, f.status, f.subject?.split(':')[0]])).toEqual([
      ['cert/eku-server-auth-missing', 'fail', 'b/edge.pem'],
    ]);
    rmSync(join(ca, '..'), { recursive: true, force: true });
  });
});
