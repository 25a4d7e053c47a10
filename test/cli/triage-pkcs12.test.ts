import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLabPki } from '@cms-doctor/lab';
import { hasPeer } from '../helpers/peers.js';
import { runCli } from '../helpers/cli.js';

interface Report {
  files: { path: string; kind: string; reason?: string }[];
  findings: { code: string }[];
}

describe.runIf(hasPeer('openssl'))('triage of a PKCS#12 file', () => {
  it('opens it with --cert-password-file, says which option is missing without it, never shows the password', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmsd-p12-'));
    const pki = await createLabPki({ names: ['cmsweb.octavio.com'], kind: 'rsa' });
    await writeFile(join(dir, 'key.pem'), pki.keyPem);
    await writeFile(join(dir, 'chain.pem'), pki.chainPem);
    const password = 'p12-secret-Kw3';
    const p12 = join(dir, 'edge.pfx');
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-in',
      join(dir, 'chain.pem'),
      '-inkey',
      join(dir, 'key.pem'),
      '-out',
      p12,
      '-passout',
      `pass:${password}`,
    ]);
    await writeFile(join(dir, 'pw'), `${password}\n`);

    const locked = JSON.parse((await runCli(['triage', p12, '--format', 'json'])).stdout) as Report;
    expect(locked.files[0]).toMatchObject({ kind: 'unreadable' });
    expect(locked.files[0]?.reason).toContain('--cert-password-file');

    const r = await runCli(['triage', p12, '--cert-password-file', join(dir, 'pw'), '--format', 'json', '--verbose']);
    const opened = JSON.parse(r.stdout) as Report;
    expect(opened.files[0]?.kind).toBe('pkcs12');
    expect(opened.findings.map((f) => f.code)).not.toContain('triage/unreadable-file');
    expect(r.stdout + r.stderr).not.toContain(password);
  });
});
