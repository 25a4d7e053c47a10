import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:tls';
import { createServer as createTcpServer, type Server as TcpServer, type AddressInfo } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChecks, type Target } from '@cms-doctor/core';
import { createLabPki, type LabPki, type LabPkiVariant } from '../../lab/src/pki/index.js';
import { hasPeer } from '../../../test/helpers/peers.js';
import { fetchPeerChain } from './fetch.js';
import { evaluateChain } from './evaluate.js';
import { createTrustStore } from './trust-store.js';
import { loadCertificates } from './load.js';
import { edgeCheck, webbridgeInternalCheck } from './checks.js';

const NAME = 'cmsweb.octavio.com';
const servers: (Server | TcpServer)[] = [];
const listen = async (pki: LabPki): Promise<number> => {
  const s = createServer({ key: pki.keyPem, cert: pki.chainPem });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
};
afterAll(() => servers.forEach((s) => s.close()));

const judge = async (variant: LabPkiVariant, kind: 'rsa' | 'ecdsa') => {
  const pki = await createLabPki({ names: [NAME, 'vcse.octavio.com'], ips: ['127.0.0.1'], kind, variant });
  const port = await listen(pki);
  const chain = await fetchPeerChain({ host: '127.0.0.1', port, servername: NAME, timeoutMs: 5000 });
  const store = createTrustStore(loadCertificates(pki.caPem).certificates);
  return { pki, chain, e: evaluateChain(chain.certificates, { store, name: NAME }) };
};

describe.each(['rsa', 'ecdsa'] as const)('real node:tls server on loopback, %s', (kind) => {
  it('good: leaf + intermediate presented, trusted through --ca, SAN covers the name', async () => {
    const { chain, e } = await judge('good', kind);
    expect(chain.certificates).toHaveLength(2);
    expect(chain.servername).toBe(NAME);
    expect(e.path.end).toBe('trusted');
    expect(e.path.anchor?.subject).toMatch(/lab root CA/);
    expect(e.verdicts).toEqual([]);
    expect(e.chain[0]).toMatchObject({
      kind: 'certificate',
      publicKey: { type: kind === 'rsa' ? 'rsa' : 'ec' },
      extendedKeyUsage: ['serverAuth', 'clientAuth'],
    });
  });
  it.each([
    ['self-signed', ['cert/self-signed']],
    ['expired', ['cert/expired']],
    ['not-yet-valid', ['cert/not-yet-valid']],
    ['wrong-san', ['cert/san-missing']],
    ['missing-intermediate', ['cert/chain-incomplete']],
    ['expiring-soon', ['cert/expiring-soon']],
  ] as const)('%s', async (variant, expected) => {
    const { e, chain } = await judge(variant, kind);
    expect(e.verdicts.map((v) => v.code)).toEqual(expected);
    if (variant === 'missing-intermediate') expect(chain.certificates).toHaveLength(1);
  });
});

describe('the chain as presented', () => {
  it('does not include a root the server did not send', async () => {
    const pki = await createLabPki({ names: [NAME], variant: 'good' });
    const port = await listen(pki);
    const chain = await fetchPeerChain({ host: '127.0.0.1', port, servername: NAME });
    expect(chain.certificates.map((c) => c.subject)).toEqual([expect.stringMatching(NAME), expect.stringMatching(/intermediate/)]);
  });
  it('an untrusted private root the server sends is cert/untrusted without --ca', async () => {
    const pki = await createLabPki({ names: [NAME], variant: 'good' });
    const s = createServer({ key: pki.keyPem, cert: pki.fullChainPem });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const chain = await fetchPeerChain({ host: '127.0.0.1', port: (s.address() as AddressInfo).port, servername: NAME });
    expect(chain.certificates).toHaveLength(3);
    const e = evaluateChain(chain.certificates, { store: createTrustStore(), name: NAME });
    expect(e.verdicts.map((v) => v.code)).toEqual(['cert/untrusted']);
  });
  it('records a stapled OCSP response (asked for in the same handshake) without trusting it', async () => {
    const pki = await createLabPki({ names: [NAME] });
    const s = createServer({ key: pki.keyPem, cert: pki.chainPem });
    // Any bytes: the client only reports that a response was stapled, it does not verify it.
    s.on('OCSPRequest', (_cert: Buffer, _issuer: Buffer, cb: (err: Error | null, resp?: Buffer) => void) =>
      cb(null, Buffer.from('0\x03\n\x01\x06', 'latin1')),
    );
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    expect((await fetchPeerChain({ host: '127.0.0.1', port, servername: NAME })).ocspStapledBytes).toBe(5);
    const plain = await listen(pki);
    expect((await fetchPeerChain({ host: '127.0.0.1', port: plain, servername: NAME })).ocspStapledBytes).toBeUndefined();
  });
  it('sends the SNI it is given while connecting to another address', async () => {
    const pki = await createLabPki({ names: [NAME] });
    let seen: string | undefined;
    const s = createServer({
      key: pki.keyPem,
      cert: pki.chainPem,
      SNICallback: (name, cb) => {
        seen = name;
        cb(null);
      },
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.2', r));
    await fetchPeerChain({ host: '127.0.0.2', port: (s.address() as AddressInfo).port, servername: NAME });
    expect(seen).toBe(NAME);
  });
});

describe('a server that accepts TCP and never answers the handshake', () => {
  let stall: TcpServer;
  let port: number;
  beforeAll(async () => {
    stall = createTcpServer(() => undefined);
    servers.push(stall);
    await new Promise<void>((r) => stall.listen(0, '127.0.0.1', r));
    port = (stall.address() as AddressInfo).port;
  });
  it('ends at the deadline with a typed timeout', async () => {
    await expect(fetchPeerChain({ host: '127.0.0.1', port, servername: NAME, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'CMSD_TIMEOUT',
    });
  });
  it('honours the caller signal', async () => {
    await expect(fetchPeerChain({ host: '127.0.0.1', port, servername: NAME, signal: AbortSignal.timeout(200) })).rejects.toMatchObject({
      code: 'CMSD_TIMEOUT',
    });
  });
  it('the cert.edge check reports an error finding, not a hang', async () => {
    const r = await runChecks([edgeCheck], { target: { external: NAME, edge: `127.0.0.1:${port}` }, mode: 'live', checkTimeoutMs: 600 });
    expect(r.findings.map((f) => [f.code, f.status])).toEqual([['cert/check-error', 'error']]);
  });
  it('a refused connection is an error finding too', async () => {
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const p = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await runChecks([edgeCheck], { target: { external: NAME, edge: `127.0.0.1:${p}` }, mode: 'live' });
    expect(r.findings[0]).toMatchObject({ code: 'cert/check-error', status: 'error' });
    expect(r.findings[0]!.detail).toMatch(/ECONNREFUSED/);
  });
});

describe('cert.edge and cert.webbridge-internal checks', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cmsd-certs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (variant: LabPkiVariant, extra: Partial<Target> = {}, names = [NAME]) => {
    const pki = await createLabPki({ names, variant });
    const port = await listen(pki);
    const ca = join(dir, `${variant}-ca.pem`);
    writeFileSync(ca, pki.caPem);
    return runChecks([edgeCheck, webbridgeInternalCheck], {
      target: { external: NAME, edge: `127.0.0.1:${port}`, cmsAddress: `127.0.0.1:${port}`, ca: [ca], ...extra },
      mode: 'live',
    });
  };
  it('good: pass, plus the document names present/absent as info', async () => {
    const r = await run('good', { internalDomain: 'cms.octavio.local' }, [NAME, 'vcse.octavio.com', 'octavio.com']);
    const edge = r.findings.filter((f) => f.check === 'cert.edge');
    expect(edge.map((f) => [f.code, f.status])).toEqual([
      ['cert/edge', 'pass'],
      ['cert/edge', 'info'],
    ]);
    const cov = edge[1]!.evidence[0] as { names: { name: string; covered: boolean }[] };
    expect(cov.names.filter((n) => n.covered).map((n) => n.name)).toEqual([NAME, 'vcse.octavio.com', 'octavio.com']);
    expect(cov.names.filter((n) => !n.covered).map((n) => n.name)).toEqual([
      'vcsc.octavio.local',
      'cmsweb.octavio.local',
      'cms.octavio.local',
      'octavio.local',
    ]);
    expect(edge[0]!.evidence.map((e) => e.kind)).toEqual(['tls-endpoint', 'certificate-path', 'certificate', 'certificate', 'revocation']);
    expect(edge[0]!.title).toMatch(/revocation not checked/);
    expect(edge[0]!.evidence.at(-1)).toMatchObject({
      kind: 'revocation',
      checked: false,
      ocspStapled: false,
      reason: expect.stringMatching(/not checked/),
      certificates: [{ subject: expect.stringMatching(NAME), crl: [], ocsp: [] }, { subject: expect.stringMatching(/intermediate/) }],
    });
  });
  it('self-signed at the edge fails with the documented fix; inside it is a warning', async () => {
    const r = await run('self-signed');
    const edge = r.findings.find((f) => f.check === 'cert.edge')!;
    expect(edge).toMatchObject({ code: 'cert/self-signed', status: 'fail', fixes: ['edge-cert-trusted-ca'], basis: 'documented' });
    // Inside, the box is CMS and the judge is Expressway-C: the Expressway-E fix does not apply.
    expect(r.findings.find((f) => f.check === 'cert.webbridge-internal')).toMatchObject({
      code: 'cert/self-signed',
      status: 'warn',
      fixes: [],
    });
    expect(edge.detail).toMatch(/presented by 127\.0\.0\.1:\d+, SNI cmsweb\.octavio\.com\) is signed by its own key/);
  });
  it('blame follows provenance: each trust verdict says what the path showed and which anchors were consulted', async () => {
    const incomplete = await run('missing-intermediate');
    const ci = incomplete.findings.find((f) => f.check === 'cert.edge' && f.status === 'fail')!;
    expect(ci).toMatchObject({ code: 'cert/chain-incomplete', fixes: ['edge-cert-trusted-ca'] });
    // The lab leaf does not publish its issuer (no AIA): both cases stay open.
    expect(ci.detail).toMatch(
      /issued by .*intermediate CA.*not sent with it and is neither one of Node's \d+ bundled roots nor in the CA files given with --ca \(.*missing-intermediate-ca\.pem\).*two cases remain/,
    );
    const pki = await createLabPki({ names: [NAME] });
    const s = createServer({ key: pki.keyPem, cert: pki.fullChainPem });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const untrusted = await runChecks([edgeCheck], {
      target: { external: NAME, edge: `127.0.0.1:${(s.address() as AddressInfo).port}` },
      mode: 'live',
    });
    const u = untrusted.findings.find((f) => f.status === 'fail')!;
    expect(u).toMatchObject({ code: 'cert/untrusted', fixes: ['edge-cert-trusted-ca'] });
    expect(u.detail).toMatch(/ends at the root CN=cms-doctor lab root CA.*SHA-256 [0-9a-f]{64}.*\(no --ca\)/);
  });
  it('wrong SAN fails with edge-cert-san', async () => {
    const r = await run('wrong-san');
    expect(r.findings.find((f) => f.check === 'cert.edge')).toMatchObject({
      code: 'cert/san-missing',
      status: 'fail',
      fixes: ['edge-cert-san'],
    });
  });
  it('uses the address dns.webbridge published when --edge is absent', async () => {
    const pki = await createLabPki({ names: [NAME] });
    const port = await listen(pki);
    const dnsStub = {
      id: 'dns.webbridge',
      title: 'stub',
      area: 'dns' as const,
      modes: ['live' as const],
      needs: [],
      run: async () => ({ findings: [], data: { externalAddresses: ['127.0.0.1'], internalAddresses: [] } }),
    };
    // The stub publishes an address without a port: cert.edge uses 443, which nothing here listens on.
    const r = await runChecks([dnsStub, edgeCheck], { target: { external: NAME }, mode: 'live', checkTimeoutMs: 2000 });
    const f = r.findings.find((x) => x.check === 'cert.edge')!;
    expect(f.subject).toBe(`127.0.0.1:443 (SNI ${NAME})`);
    expect(port).toBeGreaterThan(0);
  });
  it('skips without an address to connect to', async () => {
    const r = await runChecks([edgeCheck], { target: { external: NAME }, mode: 'live' });
    expect(r.findings[0]).toMatchObject({ status: 'skip', needs: ['edge'] });
  });
});

describe.runIf(hasPeer('openssl'))('a real openssl s_server', () => {
  let proc: ChildProcess | undefined;
  afterAll(() => {
    if (proc?.pid) proc.kill();
  });
  it('serves an RSA chain missing its intermediate: chain-incomplete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmsd-s_server-'));
    const pki = await createLabPki({ names: [NAME], kind: 'rsa', variant: 'missing-intermediate' });
    writeFileSync(join(dir, 'cert.pem'), pki.certPem);
    writeFileSync(join(dir, 'key.pem'), pki.keyPem);
    // Port 0: openssl picks a free port and prints it (`ACCEPT 127.0.0.1:<port>`).
    proc = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', '-cert', join(dir, 'cert.pem'), '-key', join(dir, 'key.pem'), '-www'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`s_server did not start: ${out}`)), 10_000);
      proc!.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    const chain = await fetchPeerChain({ host: '127.0.0.1', port, servername: NAME, timeoutMs: 5000 });
    expect(chain?.certificates).toHaveLength(1);
    const e = evaluateChain(chain.certificates, { store: createTrustStore(loadCertificates(pki.caPem).certificates), name: NAME });
    expect(e.verdicts.map((v) => v.code)).toEqual(['cert/chain-incomplete']);
    rmSync(dir, { recursive: true, force: true });
  });
});
