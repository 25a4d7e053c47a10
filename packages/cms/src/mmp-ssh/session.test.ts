/**
 * The MMP collector against OpenSSH's real sshd (a ForceCommand that answers like the MMP):
 * host key checking that fails closed, key and password login, a wrong password, a changed host
 * key, a stalled command, output in pieces, SFTP reads of the certificates MMP names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Secret } from '@cms-doctor/core';
import { collectMmp, type MmpSshOptions } from './session.js';
import { hasSshd, startSshd, type RealSshd } from '../../test/sshd.js';

const WEBBRIDGE = `Enabled                : true
Interface whitelist   : a:443
Key file               : webbridge.key
Certificate file      : webbridge.cer
CA Bundle file       : root.cer
Trust bundle          : none
HTTP redirect        : Enabled
`;
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const PASSWORD = 'correct horse battery staple';

describe.skipIf(!hasSshd())('MMP over SSH against a real sshd', () => {
  let sshd: RealSshd;
  let pin: string;
  beforeAll(async () => {
    sshd = await startSshd({
      prompt: 'cms1',
      screens: { webbridge: WEBBRIDGE, license: 'Feature: callbridge status: Activated expiry: 2030-Aug-08 (1712 days remain)\n' },
      stallOn: 'xmpp',
      passwordUser: { name: 'cmsdtest', password: PASSWORD },
      files: { 'callbridge.cer': CERT },
    });
    pin = sshd.hostKeyFingerprint;
  });
  afterAll(async () => sshd?.close());

  const opts = (over: Partial<MmpSshOptions> = {}): MmpSshOptions => ({
    host: '127.0.0.1',
    port: sshd.port,
    credentials: { username: 'root', privateKey: new Secret(readFileSync(sshd.clientKeyPath, 'utf8')) },
    hostKey: { pinned: [pin] },
    commands: ['webbridge', 'license'],
    signal: AbortSignal.timeout(25_000),
    commandTimeoutMs: 3000,
    ...over,
  });

  it('runs the allow-listed commands with a pinned host key and a private key, output read past prompt and echo', async () => {
    const r = await collectMmp(opts({ filesToRead: () => ['callbridge.cer', '../etc/passwd'] }));
    expect(r.failure).toBeUndefined();
    expect(r.hostKey).toMatchObject({ trusted: true, by: '--cms-ssh-host-key' });
    expect(r.prompt).toBe('cms1');
    expect(r.commands.map((c) => [c.command, c.complete])).toEqual([
      ['webbridge', true],
      ['license', true],
    ]);
    expect(r.commands[0]!.output).toBe(WEBBRIDGE);
    expect(r.transcript).toContain(`cms1> webbridge\n${WEBBRIDGE}cms1> license\n`);
    // Only plain file names are read; a path from anywhere is never requested.
    expect(r.files.map((f) => [f.name, f.bytes?.toString()])).toEqual([['callbridge.cer', CERT]]);
    expect(await sshd.received()).toEqual(['webbridge', 'license']);
  });

  it('trusts a known_hosts entry, hashed or plain, and fails closed on an unknown or changed key without logging in', async () => {
    const line = `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}`;
    const known = await collectMmp(opts({ hostKey: { knownHosts: { text: `${line}\n`, path: 'kh' } } }));
    expect(known.hostKey).toMatchObject({ trusted: true, by: 'kh:1' });
    const before = (await sshd.received()).length;
    const unknown = await collectMmp(opts({ hostKey: { knownHosts: { text: '', path: 'kh' } } }));
    expect(unknown.failure?.phase).toBe('host-key');
    expect(unknown.hostKey).toMatchObject({ trusted: false, reason: 'unknown', fingerprint: pin });
    const changed = await collectMmp(opts({ hostKey: { pinned: ['SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'] } }));
    expect(changed.hostKey).toMatchObject({ trusted: false, reason: 'changed' });
    expect(changed.commands).toEqual([]);
    expect((await sshd.received()).length).toBe(before);
  });

  it('logs in with a password; a wrong password is an auth failure; the password is in no result field', async () => {
    const ok = await collectMmp(opts({ credentials: { username: 'cmsdtest', password: new Secret(PASSWORD) }, commands: ['license'] }));
    expect(ok.failure).toBeUndefined();
    expect(ok.commands[0]!.output).toMatch(/^Feature: callbridge status: Activated/);
    const bad = await collectMmp(opts({ credentials: { username: 'cmsdtest', password: new Secret('wrong') } }));
    expect(bad.failure?.phase).toBe('auth');
    expect(JSON.stringify([ok, bad])).not.toContain(PASSWORD);
  });

  it('a command whose prompt never comes back ends at its own deadline, keeping what came before', async () => {
    const r = await collectMmp(opts({ commands: ['webbridge', 'xmpp', 'license'], commandTimeoutMs: 800 }));
    expect(r.failure?.phase).toBe('command');
    // The stalled command gave up at its own deadline (plus timer slack), not the session's 25 s.
    expect(r.commands[1]!.ms).toBeLessThan(800 + 1000);
    expect(r.commands.map((c) => [c.command, c.complete])).toEqual([
      ['webbridge', true],
      ['xmpp', false],
    ]);
  });
});
