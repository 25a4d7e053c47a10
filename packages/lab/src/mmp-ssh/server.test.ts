import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '@cms-doctor/core';
import { collectMmp, MMP_STATUS_COMMANDS } from '@cms-doctor/cms';
import { startMmpSshSimulator, type MmpSshSimulator } from './server.js';

describe('the lab MMP SSH simulator', () => {
  let sim: MmpSshSimulator;
  beforeAll(async () => {
    sim = await startMmpSshSimulator({
      host: '127.0.0.1',
      hostname: 'proxyWebRTC',
      username: 'admin',
      password: 'lab-pw',
      screens: { webbridge: 'Trust bundle          : callbridge.cer\n' },
      files: { 'callbridge.cer': 'PEM' },
    });
  });
  afterAll(async () => sim?.close());

  it('answers the collector like the MMP: prompt, echo, screens, SFTP reads, nothing writable', async () => {
    const r = await collectMmp({
      host: '127.0.0.1',
      port: sim.port,
      credentials: { username: 'admin', password: new Secret('lab-pw') },
      hostKey: { pinned: [sim.hostKeyFingerprint] },
      commands: [...MMP_STATUS_COMMANDS],
      filesToRead: () => ['callbridge.cer', 'missing.cer'],
      signal: AbortSignal.timeout(10_000),
      commandTimeoutMs: 2000,
    });
    expect(r.failure).toBeUndefined();
    expect(r.prompt).toBe('proxyWebRTC');
    expect(r.commands.find((c) => c.command === 'webbridge')?.output).toBe('Trust bundle          : callbridge.cer\n');
    expect(r.commands.find((c) => c.command === 'dns')?.output).toBe('Unknown command: dns\n');
    expect(r.files).toEqual([
      { name: 'callbridge.cer', bytes: Buffer.from('PEM') },
      { name: 'missing.cer', error: expect.any(String) as string },
    ]);
    expect(sim.received).toEqual([...MMP_STATUS_COMMANDS]);
  });

  it('refuses a wrong password', async () => {
    const r = await collectMmp({
      host: '127.0.0.1',
      port: sim.port,
      credentials: { username: 'admin', password: new Secret('nope') },
      hostKey: { pinned: [sim.hostKeyFingerprint] },
      commands: ['webbridge'],
      signal: AbortSignal.timeout(10_000),
      commandTimeoutMs: 2000,
    });
    expect(r.failure?.phase).toBe('auth');
  });
});
