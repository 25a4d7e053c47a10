import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabPki, startLabDns, startTurnEmulator, type LabDns, type TurnEmulator } from '@cms-doctor/lab';
import { spawnCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schema.js';

interface Report {
  findings: { code: string; status: string; fixes: string[] }[];
}
const codes = (stdout: string, status: string): string[] =>
  (JSON.parse(stdout) as Report).findings.filter((f) => f.status === status).map((f) => f.code);

// `cms-doctor probe ...` spawned as a user runs it, against real loopback servers.
let turn: TurnEmulator;
let inside: LabDns;
let outside: LabDns;
let tlsServer: Server;
let tlsPort = 0;
let caFile = '';
const PASSWORD = 'probe-test-Zq9';

beforeAll(async () => {
  turn = await startTurnEmulator({ host: '127.0.0.1', realm: 'turnuser', users: { turnuser: PASSWORD }, relayHost: '127.0.0.1' });
  inside = await startLabDns({ host: '127.0.0.1', records: [{ name: 'cmsweb.octavio.com', type: 'A', value: '127.16.85.180' }] });
  outside = await startLabDns({ host: '127.0.0.1', records: [{ name: 'cmsweb.octavio.com', type: 'A', value: '127.16.85.180' }] });
  const pki = await createLabPki({ names: ['vcse.octavio.com'], kind: 'ecdsa' });
  const dir = await mkdtemp(join(tmpdir(), 'cmsd-probe-'));
  caFile = join(dir, 'root.pem');
  await writeFile(caFile, pki.rootPem);
  tlsServer = createServer({ key: pki.keyPem, cert: pki.chainPem });
  await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
  tlsPort = (tlsServer.address() as { port: number }).port;
});
afterAll(async () => {
  await turn?.close();
  await inside?.close();
  await outside?.close();
  tlsServer?.close();
});

describe('cms-doctor probe (spawned)', () => {
  it('turn: a wrong password is a 431 and the turn-credentials fix; the password never appears', async () => {
    const r = await spawnCli(
      ['probe', 'turn', `127.0.0.1:${turn.udpPort}`, '--user', 'turnuser', '--transport', 'udp', '--format', 'json'],
      { CMS_DOCTOR_TURN_PASSWORD: 'not-the-password-Xy7' },
    );
    expect(r.code).toBe(1);
    expect(schemaErrors(JSON.parse(r.stdout))).toBe('');
    expect(codes(r.stdout, 'fail')).toEqual(['turn/integrity-check-failure']);
    expect(r.stdout + r.stderr).not.toContain('not-the-password-Xy7');
  });

  it('turn: the right password allocates and the media path comes back', async () => {
    const r = await spawnCli(
      ['probe', 'turn', `127.0.0.1:${turn.udpPort}`, '--user', 'turnuser', '--transport', 'udp', '--format', 'json'],
      { CMS_DOCTOR_TURN_PASSWORD: PASSWORD },
    );
    expect(codes(r.stdout, 'fail')).toEqual([]);
    expect(codes(r.stdout, 'pass')).toEqual(expect.arrayContaining(['turn/allocate', 'turn/media-path']));
    expect(r.stdout).not.toContain(PASSWORD);
  });

  it('dns: identical answers in both views are no split horizon; --expect-external names the wrong one', async () => {
    const args = [
      'probe',
      'dns',
      'cmsweb.octavio.com',
      '--internal-dns',
      `127.0.0.1:${inside.port}`,
      '--external-dns',
      `127.0.0.1:${outside.port}`,
      '--format',
      'json',
    ];
    const plain = await spawnCli(args);
    expect(codes(plain.stdout, 'warn')).toContain('dns/no-split-horizon');
    const expected = await spawnCli([...args, '--expect-external', '127.88.246.156', '--expect-internal', '127.16.85.180']);
    expect(expected.code).toBe(1);
    expect(codes(expected.stdout, 'fail')).toContain('dns/external-not-edge');
  });

  it('cert: a name the certificate lacks is cert/san-missing; --ca makes the private root trusted', async () => {
    const r = await spawnCli(['probe', 'cert', `127.0.0.1:${tlsPort}`, '--name', 'cmsweb.octavio.com', '--ca', caFile, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(codes(r.stdout, 'fail')).toEqual(['cert/san-missing']);
    const untrusted = await spawnCli(['probe', 'cert', `127.0.0.1:${tlsPort}`, '--name', 'vcse.octavio.com', '--format', 'json']);
    expect(codes(untrusted.stdout, 'fail')).toEqual(['cert/untrusted']);
  });

  it('probe without a subcommand is a usage error', async () => {
    expect((await spawnCli(['probe'])).code).toBe(2);
  });
});
