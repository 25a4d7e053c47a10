import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '@cms-doctor/core';
import { hasPeer } from '../../../../test/helpers/peers.js';
import { startCoturn, type Coturn } from '../../test/coturn.js';
import { probeAllocate, type AllocateProbeResult } from './allocate.js';
import type { TlsOptions } from '../client/connection.js';
import { allocateFindings, mediaPathFindings, probeEvidence, reachabilityData } from './verdict.js';
import { longTermKey } from '../codec/integrity.js';

const PASSWORD = 'cisco';

/** The password, the long-term key and any MI value must appear nowhere in what we report. */
function expectNoSecrets(r: AllocateProbeResult, password: string, user = 'turnuser', realm = 'example'): void {
  const text = JSON.stringify([probeEvidence(r), allocateFindings(r), mediaPathFindings(r), r]);
  const key = longTermKey(user, realm, password);
  expect(text).not.toContain(password);
  expect(text).not.toContain(key.toString('hex'));
  expect(text).not.toContain(key.toString('base64'));
  for (const t of r.transactions) {
    for (const m of [t.request, t.response]) {
      const mi = m?.attributes.find((a) => a.type === 'MESSAGE-INTEGRITY');
      if (mi) expect(mi).not.toHaveProperty('value');
    }
  }
}

describe.skipIf(!hasPeer('turnserver'))('against coturn', () => {
  let coturn: Coturn;
  beforeAll(async () => {
    coturn = await startCoturn();
  });
  afterAll(async () => {
    await coturn?.stop();
  });

  for (const transport of ['udp', 'tcp'] as const) {
    it(`right password over ${transport}: allocation, media path comes back, release`, async () => {
      const r = await probeAllocate({
        host: '127.0.0.1',
        port: coturn.port,
        transport,
        username: 'turnuser',
        password: new Secret(PASSWORD),
        mediaPath: true,
      });
      expect(r.outcome).toBe('allocated');
      expect(r.realm).toBe('example');
      expect(r.relayed?.address).toBe('127.0.0.1');
      expect(r.relayed!.port).toBeGreaterThanOrEqual(coturn.relayRange[0]);
      expect(r.relayed!.port).toBeLessThanOrEqual(coturn.relayRange[1]);
      expect(r.lifetime).toBeGreaterThan(0);
      expect(r.released).toBe(true);
      expect(r.mediaPath?.outcome).toBe('returned');
      expect(r.transactions.find((t) => t.step === 'allocate-authenticated')?.responseIntegrity).toBe('valid');
      const findings = allocateFindings(r, { portRange: coturn.relayRange });
      expect(findings.map((f) => [f.code, f.status])).toEqual([['turn/allocate', 'pass']]);
      expect(mediaPathFindings(r).map((f) => f.code)).toEqual(['turn/media-path']);
      expectNoSecrets(r, PASSWORD);
    });
  }

  it('relayed port outside the media range is a warning; a NAT address that differs is relay-address-private', async () => {
    const r = await probeAllocate({ host: '127.0.0.1', port: coturn.port, transport: 'udp', username: 'turnuser', password: PASSWORD });
    const codes = allocateFindings(r, { natAddress: '127.0.0.2' }).map((f) => `${f.code}:${f.status}`);
    expect(codes).toEqual(['turn/allocate:pass', 'turn/relay-address-private:fail', 'turn/relay-port-outside-range:warn']);
  });

  it.each([
    ['wrong password', 'turnuser', 'wrong'],
    ['unknown user', 'nobody', PASSWORD],
  ])('%s: credentials rejected, never retried', async (_, user, password) => {
    const r = await probeAllocate({
      host: '127.0.0.1',
      port: coturn.port,
      transport: 'udp',
      username: user,
      password: new Secret(password),
    });
    expect(r.outcome).toBe('rejected');
    expect(r.code).toBe(401);
    expect(r.transactions.map((t) => t.step)).toEqual(['allocate', 'allocate-authenticated']);
    const [f] = allocateFindings(r);
    expect(f).toMatchObject({ code: 'turn/credentials-rejected', status: 'fail', fixes: ['turn-credentials'] });
    expectNoSecrets(r, password, user);
  });

  it('without credentials: the challenge proves reachability, the check skips with needs', async () => {
    const r = await probeAllocate({ host: '127.0.0.1', port: coturn.port, transport: 'udp' });
    expect(r.outcome).toBe('challenged');
    expect(r.realm).toBe('example');
    const [f] = allocateFindings(r, { missing: ['turnPassword'] });
    expect(f).toMatchObject({ code: 'turn/allocate', status: 'skip', needs: ['turnPassword'] });
    expect(reachabilityData([r]).transports).toEqual(
      [{ transport: 'udp', port: coturn.port, answered: true, code: undefined }].map(({ code: _c, ...t }) => t),
    );
  });
});

// coturn --no-auth: an open relay. The first, credential-less Allocate succeeds, which the
// prober reports as a warning whatever credentials it was given.
describe.skipIf(!hasPeer('turnserver'))('against coturn --no-auth (open relay)', () => {
  let coturn: Coturn;
  beforeAll(async () => {
    coturn = await startCoturn({ noAuth: true });
  });
  afterAll(async () => {
    await coturn?.stop();
  });

  for (const transport of ['udp', 'tcp'] as const) {
    it(`an Allocate without credentials succeeds over ${transport}: turn/unauthenticated-allocation (warn)`, async () => {
      const r = await probeAllocate({
        host: '127.0.0.1',
        port: coturn.port,
        transport,
        username: 'turnuser',
        password: new Secret(PASSWORD),
      });
      expect(r.outcome).toBe('allocated-without-auth');
      expect(r.transactions.map((t) => t.step)[0]).toBe('allocate');
      expect(r.relayed?.address).toBe('127.0.0.1');
      expect(r.released).toBe(true);
      const findings = allocateFindings(r, { portRange: coturn.relayRange });
      expect(findings[0]).toMatchObject({ code: 'turn/unauthenticated-allocation', status: 'warn' });
      expect(findings[0]!.detail).toContain(`127.0.0.1:${coturn.port}`);
      expect(findings.some((f) => f.status === 'pass')).toBe(false);
      expectNoSecrets(r, PASSWORD);
    });
  }
});

// The prober's TLS transport against a real TLS peer: coturn with a certificate signed by a CA
// made for the run. Verification stays on (rejectUnauthorized, servername, ca), as in production.
describe.skipIf(!hasPeer('turnserver') || !hasPeer('openssl'))('against coturn over TLS', () => {
  let coturn: Coturn;
  beforeAll(async () => {
    coturn = await startCoturn({ tls: true });
  });
  afterAll(async () => {
    await coturn?.stop();
  });
  const tlsOpts = (): TlsOptions => ({ servername: coturn.tls!.servername, ca: [coturn.tls!.caPem], rejectUnauthorized: true });

  it('right password over TLS: allocation with a verified certificate, media path comes back, release', async () => {
    const r = await probeAllocate({
      host: '127.0.0.1',
      port: coturn.tls!.port,
      transport: 'tls',
      tls: tlsOpts(),
      username: 'turnuser',
      password: new Secret(PASSWORD),
      mediaPath: true,
    });
    expect(r.transport).toBe('tls');
    expect(r.outcome).toBe('allocated');
    expect(r.realm).toBe('example');
    expect(r.relayed!.port).toBeGreaterThanOrEqual(coturn.relayRange[0]);
    expect(r.relayed!.port).toBeLessThanOrEqual(coturn.relayRange[1]);
    expect(r.released).toBe(true);
    expect(r.mediaPath?.outcome).toBe('returned');
    expect(r.transactions.find((t) => t.step === 'allocate-authenticated')?.responseIntegrity).toBe('valid');
    expect(allocateFindings(r, { portRange: coturn.relayRange }).map((f) => [f.code, f.status])).toEqual([['turn/allocate', 'pass']]);
    expectNoSecrets(r, PASSWORD);
  });

  it.each([
    ['wrong password', 'turnuser', 'wrong'],
    ['unknown user', 'nobody', PASSWORD],
  ])('%s over TLS: credentials rejected, never retried', async (_, user, password) => {
    const r = await probeAllocate({
      host: '127.0.0.1',
      port: coturn.tls!.port,
      transport: 'tls',
      tls: tlsOpts(),
      username: user,
      password: new Secret(password),
    });
    expect(r.outcome).toBe('rejected');
    expect(r.code).toBe(401);
    expect(r.transactions.map((t) => t.step)).toEqual(['allocate', 'allocate-authenticated']);
    expect(allocateFindings(r)[0]).toMatchObject({ code: 'turn/credentials-rejected', status: 'fail', fixes: ['turn-credentials'] });
    expectNoSecrets(r, password, user);
  });

  it('the certificate is really verified: an untrusted CA or a wrong name fails the connection, not the credentials', async () => {
    const untrusted = await probeAllocate({
      host: '127.0.0.1',
      port: coturn.tls!.port,
      transport: 'tls',
      tls: { servername: coturn.tls!.servername },
      username: 'turnuser',
      password: new Secret(PASSWORD),
    });
    expect(untrusted.outcome).toBe('connect-failed');
    expect(untrusted.errorCode).toMatch(/CERT|SIGNATURE|ISSUER/);
    const wrongName = await probeAllocate({
      host: '127.0.0.1',
      port: coturn.tls!.port,
      transport: 'tls',
      tls: { servername: 'other.lab.test', ca: [coturn.tls!.caPem] },
      username: 'turnuser',
      password: new Secret(PASSWORD),
    });
    expect(wrongName.outcome).toBe('connect-failed');
    expect(wrongName.errorCode).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });
});

describe('unreachable', () => {
  it('a silent UDP port is decided at the deadline, not after 39.5 s', async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    let received = 0;
    silent.on('message', () => received++);
    try {
      const r = await probeAllocate({
        host: '127.0.0.1',
        port: silent.address().port,
        transport: 'udp',
        deadline: Date.now() + 1600,
        username: 'u',
        password: 'p',
      });
      expect(r.outcome).toBe('no-answer');
      expect(r.transactions[0]!.transmissions).toBe(3); // 0, 500, 1500 ms
      expect(received).toBe(3);
      const [f] = allocateFindings(r);
      expect(f).toMatchObject({ code: 'turn/unreachable', status: 'fail' });
    } finally {
      silent.close();
    }
  });

  it('refused TCP is a warning unless TCP is expected', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const r = await probeAllocate({ host: '127.0.0.1', port, transport: 'tcp' });
    expect(r).toMatchObject({ outcome: 'connect-failed', errorCode: 'ECONNREFUSED' });
    expect(allocateFindings(r)[0]).toMatchObject({ code: 'turn/unreachable', status: 'warn' });
    expect(allocateFindings(r, { tcpExpected: true })[0]).toMatchObject({ code: 'turn/unreachable', status: 'fail' });
  });
});
