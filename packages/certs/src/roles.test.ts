import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORE_CODES, type FindingDraft } from '@cms-doctor/core';
import { CERT_CODES } from './codes.js';
import { createLabPki } from '../../lab/src/pki/index.js';
import { judgeFiles } from './checks.js';
import { loadCertificates } from './load.js';
import { bundledRoots, createTrustStore } from './trust-store.js';

const realdata = fileURLToPath(new URL('../../../fixtures/certs/realdata/', import.meta.url));
const file = (path: string, pem: string | Buffer) => ({ path, certs: loadCertificates(pem, { source: path }).certificates });
const problems = (fs: FindingDraft[]) =>
  fs.filter((f) => ['warn', 'fail', 'error'].includes(f.status)).map((f) => [f.code, f.status, f.subject?.split(':')[0], f.fixes ?? []]);
const infos = (fs: FindingDraft[]) => fs.filter((f) => f.status === 'info').map((f) => `${f.title} | ${f.detail ?? ''}`);
const store = createTrustStore();

describe('offline certificate files: which certificate is judged as the Expressway-E', () => {
  it('*.badssl.com with --external a.b.badssl.com: the wildcard covers one label only, so the name is missing', () => {
    const f = file('badssl_wildcard-rsa2048.pem', readFileSync(`${realdata}badssl_wildcard-rsa2048.pem`));
    const out = judgeFiles([f], store, { external: 'a.b.badssl.com' }, new Date('2021-01-01'));
    expect(problems(out)).toEqual([['cert/san-missing', 'fail', 'badssl_wildcard-rsa2048.pem', ['edge-cert-san']]]);
    const san = out.find((x) => x.code === 'cert/san-missing')!;
    expect(san.evidence?.[0]).toMatchObject({ kind: 'name-required', from: '--external', name: 'a.b.badssl.com', covered: false });
    expect(san.detail).toMatch(/a\.b\.badssl\.com \(from --external\) is not covered .*wildcard \*\.badssl\.com covers one label only/i);
    // The same file for a name one label under the wildcard: a pass, with positive evidence.
    const ok = judgeFiles([f], store, { external: 'b.badssl.com' }, new Date('2021-01-01'));
    expect(problems(ok)).toEqual([]);
    expect(ok.filter((x) => x.status === 'pass').map((x) => x.detail)).toEqual([expect.stringMatching(/covered by dns:\*\.badssl\.com/)]);
  });

  it('a CA that issues another input certificate stays a CA; the server certificate it issued is the edge', async () => {
    const edge = await createLabPki({ names: ['cmsweb.octavio.com', 'vcse.octavio.com'], kind: 'rsa' });
    const out = judgeFiles([file('b/edge.pem', edge.chainPem), file('b/root.cer', edge.rootPem)], store, {
      external: 'cmsweb.octavio.com',
    });
    // The private root is in the input but not an anchor: browsers do not trust it.
    expect(problems(out)).toEqual([['cert/untrusted', 'fail', 'b/edge.pem', ['edge-cert-trusted-ca']]]);
    expect(infos(out)).toContainEqual(
      expect.stringMatching(/^b\/root\.cer: 1 CA certificate\(s\) \| .*lab root CA.*: issuer of .*intermediate/),
    );
  });

  it('a lone root CA (Key Usage: certificate signing only) is a CA, not a server certificate missing the name', async () => {
    const pki = await createLabPki({ names: ['x.lab.invalid'] });
    const out = judgeFiles([file('root.cer', pki.rootPem)], store, { external: 'cmsweb.octavio.com' });
    expect(problems(out)).toEqual([]);
    expect(infos(out)).toEqual([expect.stringMatching(/root\.cer: 1 CA certificate\(s\) \| .*a root CA \(Key Usage keyCertSign, cRLSign/)]);
  });

  it('certificates not judged as the edge never carry the edge fixes; one naming nothing of the deployment says so', async () => {
    const edge = await createLabPki({ names: ['cmsweb.octavio.com', 'vcse.octavio.com'] });
    const cb = await createLabPki({ names: ['callbridge.cms.octavio.local'], variant: 'expired' });
    const stray = await createLabPki({ names: ['www.unrelated.example'], variant: 'self-signed' });
    const out = judgeFiles(
      [file('edge.pem', edge.fullChainPem), file('callbridge.cer', cb.certPem), file('stray.pem', stray.certPem)],
      createTrustStore(loadCertificates(edge.caPem).certificates, { files: ['ca.pem'] }),
      { external: 'cmsweb.octavio.com', internalDomain: 'cms.octavio.local' },
    );
    expect(problems(out)).toEqual([['cert/expired', 'fail', 'callbridge.cer', []]]);
    expect(out.find((x) => x.status === 'pass')?.subject).toMatch(/^edge\.pem/);
    const notes = infos(out);
    expect(notes).toContainEqual(
      expect.stringMatching(
        /^callbridge\.cer: .*not judged as the Expressway-E .*names \(callbridge\.cms\.octavio\.local\) are in the deployment's domains/,
      ),
    );
    expect(notes).toContainEqual(expect.stringMatching(/^stray\.pem: .*not judged .*covers none of the deployment's names/));
    // Its trust problem is a note, not a finding that sends the engineer to the Expressway-E.
    expect(notes).toContainEqual(expect.stringMatching(/^stray\.pem: .*trust \(not judged here\): .*signed by its own key/));
  });

  it('the internal web bridge or call bridge certificate alone is not judged for the web bridge name (with --internal-domain)', async () => {
    const cb = await createLabPki({ names: ['cmsweb.cms.octavio.local'] });
    const out = judgeFiles([file('cb.pem', cb.chainPem)], store, { external: 'cmsweb.octavio.com', internalDomain: 'cms.octavio.local' });
    expect(problems(out)).toEqual([]);
    expect(infos(out)).toEqual([expect.stringMatching(/cb\.pem: .*not judged as the Expressway-E/)]);
  });

  it('an empty SAN extension is judged: the name is missing, and the detail says the extension is empty', async () => {
    const pki = await createLabPki({ names: [], kind: 'rsa' });
    const out = judgeFiles([file('empty-san.pem', pki.fullChainPem)], createTrustStore(loadCertificates(pki.caPem).certificates), {
      external: 'cmsweb.octavio.com',
    });
    expect(problems(out)).toEqual([['cert/san-missing', 'fail', 'empty-san.pem', ['edge-cert-san']]]);
    expect(out[0]!.detail).toMatch(
      /extension is present but empty.*It covers none of the deployment's names; it is judged as the Expressway-E certificate because no input certificate covers them/,
    );
  });

  it('without --external nothing is judged as the edge: validity only, no edge fixes', async () => {
    const pki = await createLabPki({ names: ['cmsweb.octavio.com'], variant: 'expired' });
    const out = judgeFiles([file('e.pem', pki.chainPem)], store);
    expect(problems(out)).toEqual([['cert/expired', 'fail', 'e.pem', []]]);
  });

  it('every problem finding takes its title, basis and allowed fixes from its code table entry (one home per code)', () => {
    const table = new Map([...CORE_CODES, ...CERT_CODES].map((c) => [c.code, c]));
    const files = ['badssl_wildcard-rsa2048.pem', 'badssl_wildcard-sha1-intermediate.pem', 'urllib3_server.no_san.crt'].map((n) =>
      file(n, readFileSync(`${realdata}${n}`)),
    );
    const out = judgeFiles(files, store, { external: 'a.b.badssl.com' });
    const problemFindings = out.filter((f) => ['warn', 'fail', 'error'].includes(f.status));
    expect(problemFindings.length).toBeGreaterThan(3);
    for (const f of problemFindings) {
      const entry = table.get(f.code)!;
      expect(f.title).toBe(entry.title);
      expect(f.basis).toBe(entry.basis);
      for (const id of f.fixes ?? []) expect(entry.fixes).toContain(id);
    }
  });

  it('a bundled root in the input is a CA even when it issues nothing here', () => {
    const root = bundledRoots().find((c) => c.notAfter.getTime() > Date.now() + 365 * 86_400_000)!;
    const out = judgeFiles([file('roots.pem', Buffer.from(root.der))], store, { external: 'cmsweb.octavio.com' });
    expect(problems(out)).toEqual([]);
    expect(infos(out)).toEqual([expect.stringMatching(/roots\.pem: 1 CA certificate\(s\) \| .*a trust anchor/)]);
  });
});
