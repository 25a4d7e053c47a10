/**
 * Offline and live verdicts on the same certificate agree: each certificate is made by a real
 * `openssl req -x509` (which sets CA:TRUE on a self-signed certificate), served by a real
 * `openssl s_server`, judged by `cms-doctor probe cert`, and its file judged by
 * `cms-doctor triage <file> --external <name>`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPeer } from '../helpers/peers.js';
import { runCli } from '../helpers/cli.js';

interface Report {
  findings: { check: string; code: string; status: string; fixes: string[]; detail?: string; title: string }[];
}

const NAME = 'cmsweb.octavio.com';
const dir = mkdtempSync(join(tmpdir(), 'cmsd-cert-agree-'));
const servers: ChildProcess[] = [];
afterAll(() => {
  for (const s of servers) if (s.exitCode === null) s.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** `openssl req -x509` as an administrator runs it; extra `-addext` arguments per case. */
function makeCert(id: string, subject: string, addext: string[]): { cert: string; key: string } {
  const cert = join(dir, `${id}.crt`);
  const key = join(dir, `${id}.key`);
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '365', '-subj', subject, '-keyout', key, '-out', cert];
  for (const e of addext) args.push('-addext', e);
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  return { cert, key };
}

/** `openssl s_server` on an ephemeral loopback port; resolves with the port it prints. */
function serve(cert: string, key: string): Promise<number> {
  const p = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', '-cert', cert, '-key', key, '-www'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.push(p);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`s_server did not start: ${out}`)), 10_000);
    p.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    p.on('exit', (code) => reject(new Error(`s_server exited ${code}: ${out}`)));
  });
}

/** The problems of the cert area, as comparable rows. */
const problems = (stdout: string): string[][] =>
  (JSON.parse(stdout) as Report).findings
    .filter((f) => f.check.startsWith('cert.') && ['warn', 'fail', 'error'].includes(f.status))
    .map((f) => [f.code, f.status, [...f.fixes].sort().join(',')])
    .sort((a, b) => a.join().localeCompare(b.join()));

describe.runIf(hasPeer('openssl'))('probe cert and triage agree on the same openssl certificate', () => {
  it.each([
    {
      id: 'no-san',
      subject: '/CN=selfsigned.example',
      addext: [],
      expected: [
        ['cert/san-missing', 'fail', 'edge-cert-san'],
        ['cert/self-signed', 'fail', 'edge-cert-trusted-ca'],
      ],
    },
    {
      id: 'with-san',
      subject: `/CN=${NAME}`,
      addext: [`subjectAltName=DNS:${NAME},DNS:vcse.octavio.com`],
      expected: [['cert/self-signed', 'fail', 'edge-cert-trusted-ca']],
    },
    {
      id: 'client-auth-only',
      subject: `/CN=${NAME}`,
      addext: [`subjectAltName=DNS:${NAME}`, 'extendedKeyUsage=clientAuth'],
      expected: [
        ['cert/eku-server-auth-missing', 'fail', 'cert-server-usage'],
        ['cert/self-signed', 'fail', 'edge-cert-trusted-ca'],
      ],
    },
    {
      id: 'wildcard-one-label',
      subject: '/CN=*.octavio.com',
      addext: ['subjectAltName=DNS:*.octavio.com'],
      external: 'a.cmsweb.octavio.com',
      expected: [
        ['cert/san-missing', 'fail', 'edge-cert-san'],
        ['cert/self-signed', 'fail', 'edge-cert-trusted-ca'],
      ],
    },
  ])('$id', async ({ id, subject, addext, expected, external }) => {
    const name = external ?? NAME;
    const { cert, key } = makeCert(id, subject, addext);
    // What openssl made: a self-signed certificate that says CA:TRUE.
    expect(spawnSync('openssl', ['x509', '-in', cert, '-noout', '-text'], { encoding: 'utf8' }).stdout).toMatch(/CA:TRUE/);
    const port = await serve(cert, key);
    const live = await runCli(['probe', 'cert', `127.0.0.1:${port}`, '--name', name, '--format', 'json']);
    const offline = await runCli(['triage', cert, '--external', name, '--format', 'json']);
    expect(problems(live.stdout)).toEqual(expected);
    expect(problems(offline.stdout)).toEqual(expected);
    expect(live.code).toBe(1);
    expect(offline.code).toBe(1);
    // The file is judged, not listed as "1 CA certificate(s)".
    expect(offline.stdout).not.toMatch(/CA certificate\(s\)/);
  });
});
