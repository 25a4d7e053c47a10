/**
 * `run --cms-ssh` as a user runs it, against OpenSSH's sshd answering like the MMP: a
 * passphrase-protected key, a pinned host key, the document's broken `webbridge` screen. The
 * verdict equals triage of the same output; the key, its passphrase and the MMP password never
 * appear in any format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasSshd, startSshd, type RealSshd } from '../../packages/cms/test/sshd.js';
import { MMP_STATUS_COMMANDS } from '@cms-doctor/cms';
import { spawnCli, runCli } from '../helpers/cli.js';

const TRANSCRIPT = readFileSync(join(import.meta.dirname, '../../fixtures/cms/mmp/doc-webbridge-trust-none.txt'), 'utf8');
const WEBBRIDGE = TRANSCRIPT.split('\n')
  .filter((l) => !/^\S+>/.test(l))
  .join('\n');
const PASSPHRASE = 'mmp key passphrase 7f3a';

describe.skipIf(!hasSshd())('run --cms-ssh against a real sshd', () => {
  let sshd: RealSshd;
  let dir: string;
  let args: string[];
  beforeAll(async () => {
    sshd = await startSshd({ prompt: 'proxyWebRTC', screens: { webbridge: WEBBRIDGE }, clientKeyPassphrase: PASSPHRASE });
    dir = await mkdtemp(join(tmpdir(), 'cmsd-mmp-'));
    await writeFile(join(dir, 'passphrase'), `${PASSPHRASE}\n`);
    const pin = sshd.hostKeyFingerprint;
    args = [
      'run',
      '--external',
      'cmsweb.octavio.com',
      '--only',
      'webbridge',
      '--cms-ssh',
      `root@127.0.0.1:${sshd.port}`,
      '--cms-ssh-key',
      sshd.clientKeyPath,
      '--cms-ssh-key-passphrase-file',
      join(dir, 'passphrase'),
      '--cms-ssh-host-key',
      pin,
      '--timeout',
      '20',
    ];
  });
  afterAll(async () => {
    await sshd?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('diagnoses the trust bundle live as triage does, and never shows the key or its passphrase', async () => {
    const live = await spawnCli([...args, '--format', 'json']);
    const report = JSON.parse(live.stdout) as { findings: { code: string; status: string; fixes: string[] }[] };
    const problems = (r: typeof report): string[] =>
      r.findings.filter((f) => f.status === 'fail').map((f) => `${f.code} ${f.fixes.join(',')}`);
    expect(problems(report)).toEqual(['webbridge/trust-bundle-missing webbridge-callbridge-trust']);
    const offline = await runCli([
      'triage',
      join(import.meta.dirname, '../../fixtures/cms/mmp/doc-webbridge-trust-none.txt'),
      '--format',
      'json',
    ]);
    expect(problems(JSON.parse(offline.stdout) as typeof report)).toEqual(problems(report));
    // Exactly the allow-list, in order: nothing from flags or output became a command.
    expect(await sshd.received()).toEqual([...MMP_STATUS_COMMANDS]);

    const keyLines = readFileSync(sshd.clientKeyPath, 'utf8')
      .split('\n')
      .filter((l) => l.length > 20 && !l.startsWith('-----'));
    for (const format of ['text', 'json', 'markdown', 'junit']) {
      const r = format === 'json' ? live : await runCli([...args, '--format', format, '--verbose']);
      for (const secret of [PASSPHRASE, ...keyLines]) {
        expect(r.stdout.includes(secret), `${format} stdout`).toBe(false);
        expect(r.stderr.includes(secret), `${format} stderr`).toBe(false);
      }
    }
    // Five SSH logins, each starting the fake MMP under a real sshd.
  }, 120_000);

  it('an unknown host key sends nothing and says how to pin it', async () => {
    const before = (await sshd.received()).length;
    const r = await runCli([
      ...args.filter((a, i) => a !== '--cms-ssh-host-key' && args[i - 1] !== '--cms-ssh-host-key'),
      '--cms-ssh-known-hosts',
      join(dir, 'passphrase'),
      '--format',
      'json',
    ]);
    const report = JSON.parse(r.stdout) as { findings: { code: string; detail?: string }[] };
    const f = report.findings.find((x) => x.code === 'cms/mmp-host-key-unknown');
    expect(f?.detail).toMatch(/pin it with --cms-ssh-host-key SHA256:/);
    expect((await sshd.received()).length).toBe(before);
  });
});

/** A throwaway self-signed certificate made by openssl, as PEM. */
function opensslCert(dir: string, name: string): string {
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '30',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      join(dir, `${name}.key`),
      '-out',
      join(dir, `${name}.pem`),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return readFileSync(join(dir, `${name}.pem`), 'utf8');
}

describe.skipIf(!hasSshd())('run --cms-ssh compares the trust bundle with the call bridge certificate by fingerprint', () => {
  const CALLBRIDGE = `Listening interfaces : a\nPreferred interface : none\nKey file             : callbridge.key\nCertificate file     : callbridge.cer\nAddress              : none\nCA Bundle file      : root.cer\n`;
  const webbridge = (trust: string): string => WEBBRIDGE.replace(/Trust bundle(\s*):\s*none/, `Trust bundle$1: ${trust}`);
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmsd-mmp-fp-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['a bundle under another name holding the same certificate passes', 'same', 'pass'],
    ['a bundle holding another certificate is a mismatch', 'other', 'webbridge/trust-bundle-mismatch'],
  ])(
    '%s',
    async (_t, which, expected) => {
      const callbridge = opensslCert(dir, `cb-${which}`);
      const bundle = which === 'same' ? callbridge : opensslCert(dir, `old-${which}`);
      const sshd = await startSshd({
        prompt: 'proxyWebRTC',
        screens: { callbridge: CALLBRIDGE, webbridge: webbridge('trusted-cb.cer') },
        files: { 'callbridge.cer': callbridge, 'trusted-cb.cer': bundle },
      });
      try {
        const pin = sshd.hostKeyFingerprint;
        const r = await runCli([
          'run',
          '--external',
          'cmsweb.octavio.com',
          '--only',
          'webbridge',
          '--cms-ssh',
          `root@127.0.0.1:${sshd.port}`,
          '--cms-ssh-key',
          sshd.clientKeyPath,
          '--cms-ssh-host-key',
          pin,
          '--timeout',
          '20',
          '--format',
          'json',
        ]);
        const f = (JSON.parse(r.stdout) as { findings: { check: string; code: string; status: string }[] }).findings.find(
          (x) => x.check === 'webbridge.trust-bundle',
        );
        expect(expected === 'pass' ? f?.status : f?.code).toBe(expected);
      } finally {
        await sshd.close();
      }
    },
    60_000,
  );
});
