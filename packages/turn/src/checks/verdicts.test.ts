/**
 * Issue 10 verdicts of the TURN checks against real peers: TLS judged only where it is
 * expected, a web server on the TLS port named as such, a stalled transport that leaves the
 * others their verdicts, ICMP port unreachable decided at once, and whose credentials were tried.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import https from 'node:https';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CMS_TURN_SERVERS, Secret, defineCheck, runChecks, type Finding, type Target } from '@cms-doctor/core';
import { hasPeer } from '../../../../test/helpers/peers.js';
import { startCoturn, type Coturn } from '../../test/coturn.js';
import { plugin } from '../plugin.js';
import { probeAllocate } from '../probe/allocate.js';
import { allocateFindings } from '../probe/verdict.js';

const dir = mkdtempSync(join(tmpdir(), 'cmsd-turn-verdicts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (f: Finding): string => `${f.check} ${f.code} ${f.status}`;
const byTransport = (findings: readonly Finding[], t: string): Finding[] => findings.filter((f) => f.subject?.endsWith(`/${t}`));

async function freeTcpPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A self-signed certificate for 127.0.0.1, made with openssl, trusted through `ca`. */
function selfSigned(): { cert: string; key: string } {
  const cert = join(dir, 'web.pem');
  const key = join(dir, 'web.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=web.lab.test',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore', input: '' },
  );
  return { cert, key };
}

describe('UDP port unreachable', () => {
  it('ICMP port unreachable (ECONNREFUSED on the connected socket) decides at once, not after the retransmissions', async () => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const port = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    const r = await probeAllocate({ host: '127.0.0.1', port, transport: 'udp', deadline: Date.now() + 2500.5 });
    expect(r).toMatchObject({ outcome: 'connect-failed', errorCode: 'ECONNREFUSED' });
    expect(r.durationMs).toBeLessThan(400);
    const [f] = allocateFindings(r);
    expect(f).toMatchObject({ code: 'turn/unreachable', status: 'fail', fixes: ['firewall-turn'] });
    expect(f!.detail).toMatch(/ICMP port unreachable/);
  });
});

describe.skipIf(!hasPeer('turnserver') || !hasPeer('openssl'))('TURN over TLS only where it is expected (coturn on 3478)', () => {
  let coturn: Coturn;
  let web: https.Server;
  let webPort: number;
  let ca: string;
  beforeAll(async () => {
    coturn = await startCoturn();
    const pki = selfSigned();
    ca = pki.cert;
    // The Expressway-E's 443 is its web proxy: an HTTPS server that answers anything else with 400.
    web = https.createServer({ cert: readFileSync(pki.cert), key: readFileSync(pki.key) }, (_req, res) => res.end('web app'));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
    webPort = (web.address() as net.AddressInfo).port;
  }, 20_000);
  afterAll(async () => {
    await coturn?.stop();
    await new Promise<void>((r) => (web ? web.close(() => r()) : r()));
  });

  const base = (): Target => ({
    turn: `127.0.0.1:${coturn.port}`,
    turnUser: 'turnuser',
    turnPassword: new Secret('cisco', 'the file /tmp/pw'),
    mediaPortRange: coturn.relayRange,
    ca: [ca],
  });

  it('TLS on a closed port: fail when --turn-tls-port asks for it, a note (info) when nobody did', async () => {
    const closed = await freeTcpPort();
    // As `run` without --turn-tls-port: TLS tried on the default port; here a closed one stands in for 443.
    const target: Target = { ...base() };
    const { findings } = await runChecks(plugin.checks, { target: { ...target, turnTlsPort: closed }, mode: 'live' });
    // turnTlsPort given is explicit; the default-port case is judged by the plan, without sending to 443.
    expect(byTransport(findings, 'tls').map((f) => f.status)).toEqual(['fail']);
    const planDefault = await import('./server.js').then((m) => m.planTurn({ target, get: () => undefined }));
    expect(planDefault?.tlsExpected).toBe(false);
    const r = await probeAllocate({ host: '127.0.0.1', port: closed, transport: 'tls' });
    const [f] = allocateFindings(r, { tlsExpected: false });
    // A note carries the check's own code (the contract), never a problem code.
    expect(f).toMatchObject({ code: 'turn/allocate', status: 'info' });
    expect(f!.detail).toMatch(/3478 only/);
  });

  it('the web proxy on the TLS port: named as a web server, info when TLS was not asked for, warn when it was', async () => {
    const r = await probeAllocate({
      host: '127.0.0.1',
      port: webPort,
      transport: 'tls',
      tls: { ca: [readFileSync(ca)] },
      username: 'turnuser',
      password: 'cisco',
      deadline: Date.now() + 3000,
    });
    expect(r.outcome).toBe('http-answer');
    expect(allocateFindings(r, { tlsExpected: false })[0]).toMatchObject({ code: 'turn/allocate', status: 'info' });
    const { findings } = await runChecks(plugin.checks, { target: { ...base(), turnTlsPort: webPort }, mode: 'live' });
    expect(findings.map(line)).toEqual([
      'turn.allocate turn/allocate pass',
      'turn.allocate turn/allocate pass',
      'turn.allocate turn/port-is-web-server warn',
      'turn.media-path turn/media-path pass',
    ]);
    expect(byTransport(findings, 'tls')[0]!.detail).toMatch(/HTTP\/1\.1 400/);
  });

  it('run --edge host:port whose port is the web proxy: TLS is a note naming the web server, not a TURN failure', async () => {
    const { findings } = await runChecks(
      plugin.checks.filter((c) => c.id === 'turn.allocate'),
      { target: { edge: `127.0.0.1:${webPort}`, ca: [ca] }, mode: 'live' },
    );
    const tls = byTransport(findings, 'tls');
    expect(tls.map((f) => `${f.code} ${f.status}`)).toEqual(['turn/allocate info']);
    expect(tls[0]!.fixes).toEqual([]);
    expect(tls[0]!.detail).toMatch(/web proxy/);
  });

  it('openssl s_server -www on the TLS port (silent to STUN): undecided with a reason, not unreachable', async () => {
    const port = await freeTcpPort();
    const pki = selfSigned();
    const child: ChildProcess = spawn(
      'openssl',
      ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', pki.cert, '-key', pki.key, '-www', '-quiet'],
      {
        stdio: 'ignore',
      },
    );
    try {
      for (let i = 0; i < 50; i++) {
        const up = await new Promise<boolean>((r) =>
          net
            .connect(port, '127.0.0.1')
            .once('connect', function (this: net.Socket) {
              this.destroy();
              r(true);
            })
            .once('error', () => r(false)),
        );
        if (up) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const r = await probeAllocate({
        host: '127.0.0.1',
        port,
        transport: 'tls',
        tls: { ca: [readFileSync(pki.cert)] },
        deadline: Date.now() + 1500,
      });
      expect(allocateFindings(r, { tlsExpected: false })[0]).toMatchObject({ code: 'turn/allocate', status: 'info' });
      const [f] = allocateFindings(r, { tlsExpected: true });
      expect(f).toMatchObject({ code: 'turn/check-error', status: 'error' });
      expect(f!.detail).toMatch(/connected, but the TURN Allocate got no STUN answer/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('a TLS port that stalls the handshake leaves UDP its pass; TLS is undecided with the reason', async () => {
    const stall = net.createServer(() => undefined); // accepts TCP, never speaks TLS
    await new Promise<void>((r) => stall.listen(0, '127.0.0.1', () => r()));
    const port = (stall.address() as net.AddressInfo).port;
    try {
      const { findings } = await runChecks(
        plugin.checks.filter((c) => c.id === 'turn.allocate'),
        {
          target: { ...base(), turnTransports: ['udp', 'tls'], turnTlsPort: port },
          mode: 'live',
        },
      );
      expect(findings.map(line)).toEqual(['turn.allocate turn/allocate pass', 'turn.allocate turn/check-error error']);
      expect(findings[1]!.detail).toMatch(/TLS handshake stalled/);
    } finally {
      stall.close();
    }
  }, 30_000);

  it('a rejected password names the username and password sources tried, never the value, and both fix branches', async () => {
    const cms = defineCheck({
      id: CMS_TURN_SERVERS,
      title: 'stand-in for the CMS API turnServers entry',
      area: 'cms',
      modes: ['live'],
      needs: [],
      run: async () => ({ findings: [], data: { username: 'turnuser', serverAddress: '127.0.0.1' } }),
    });
    const target: Target = {
      turn: `127.0.0.1:${coturn.port}`,
      turnTransports: ['udp'],
      turnPassword: new Secret('not-the-password', 'the environment variable CMS_DOCTOR_TURN_PASSWORD'),
    };
    const { findings } = await runChecks([cms, ...plugin.checks], { target, mode: 'live' });
    const f = findings.find((x) => x.check === 'turn.allocate')!;
    expect(f).toMatchObject({ code: 'turn/credentials-rejected', status: 'fail', fixes: ['turn-credentials'] });
    expect(f.detail).toMatch(/username "turnuser" \(from the CMS API \/api\/v1\/turnServers entry\)/);
    expect(f.detail).toMatch(/password from the environment variable CMS_DOCTOR_TURN_PASSWORD/);
    expect(f.detail).toMatch(/your copy is wrong, or CMS and Expressway-E hold different passwords/);
    expect(f.evidence).toContainEqual(expect.objectContaining({ kind: 'turn-credentials', username: 'turnuser' }));
    expect(JSON.stringify(findings)).not.toContain('not-the-password');
  });
});
