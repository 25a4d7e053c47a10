import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '@cms-doctor/core';
import { allocateFindings, mediaPathFindings, probeAllocate } from '@cms-doctor/turn';
import { startTurnEmulator, type TurnEmulator, type TurnEmulatorMode } from './turn-emulator.js';

let emu: TurnEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const start = async (mode: TurnEmulatorMode = 'normal'): Promise<TurnEmulator> =>
  (emu = await startTurnEmulator({
    host: '127.0.0.1',
    realm: 'TANDBERG',
    users: { turnuser: 'cisco' },
    relayHost: '127.0.0.1',
    relayPortRange: [24000, 29999],
    mode,
  }));

describe('Expressway-E TURN emulator', () => {
  it('right credentials: 401 challenge with realm, allocation in the media range, media path, release', async () => {
    const e = await start();
    for (const [transport, port] of [
      ['udp', e.udpPort],
      ['tcp', e.tcpPort],
    ] as const) {
      const r = await probeAllocate({
        host: '127.0.0.1',
        port,
        transport,
        username: 'turnuser',
        password: new Secret('cisco'),
        mediaPath: true,
      });
      expect(r.outcome).toBe('allocated');
      expect(r.realm).toBe('TANDBERG');
      expect(r.relayed!.port).toBeGreaterThanOrEqual(24000);
      expect(r.relayed!.port).toBeLessThanOrEqual(29999);
      expect(r.mediaPath?.outcome).toBe('returned');
      expect(r.released).toBe(true);
      expect(allocateFindings(r).map((f) => f.status)).toEqual(['pass']);
    }
  });

  it('a bad HMAC is answered 431: turn/integrity-check-failure', async () => {
    const e = await start();
    const r = await probeAllocate({ host: '127.0.0.1', port: e.udpPort, transport: 'udp', username: 'turnuser', password: 'wrong' });
    expect(r).toMatchObject({ outcome: 'rejected', code: 431 });
    expect(r.transactions).toHaveLength(2);
    expect(allocateFindings(r)[0]).toMatchObject({
      code: 'turn/integrity-check-failure',
      status: 'fail',
      fixes: ['turn-credentials'],
      basis: 'documented',
    });
    // Whose password: the username from the CMS API, the password from the engineer's file; both branches.
    const [f] = allocateFindings(r, {
      credentials: {
        username: 'turnuser',
        usernameFrom: 'the CMS API /api/v1/turnServers entry',
        passwordFrom: 'the file /lab/turn-password',
      },
    });
    expect(f!.title).toBe('TURN Allocate answered 431 Integrity Check Failure');
    expect(f!.detail).toMatch(
      /username "turnuser" \(from the CMS API \/api\/v1\/turnServers entry\) with the password from the file \/lab\/turn-password/,
    );
    expect(f!.detail).toMatch(/either your copy is wrong, or CMS and Expressway-E hold different passwords/);
    expect(JSON.stringify(f)).not.toContain('wrong"');
  });

  it('drop-udp: UDP is unreachable (fail) while TCP answers', async () => {
    const e = await start('drop-udp');
    const udp = await probeAllocate({
      host: '127.0.0.1',
      port: e.udpPort,
      transport: 'udp',
      username: 'turnuser',
      password: 'cisco',
      answerTimeoutMs: 600,
    });
    const tcp = await probeAllocate({ host: '127.0.0.1', port: e.tcpPort, transport: 'tcp', username: 'turnuser', password: 'cisco' });
    expect(allocateFindings(udp)[0]).toMatchObject({ code: 'turn/unreachable', status: 'fail' });
    expect(tcp.outcome).toBe('allocated');
  });

  it('relay-blackhole: the allocation works but media never comes back', async () => {
    const e = await start('relay-blackhole');
    const r = await probeAllocate({
      host: '127.0.0.1',
      port: e.udpPort,
      transport: 'udp',
      username: 'turnuser',
      password: 'cisco',
      mediaPath: true,
      mediaTimeoutMs: 600,
    });
    expect(r.outcome).toBe('allocated');
    expect(r.mediaPath?.outcome).toBe('not-returned');
    expect(mediaPathFindings(r)[0]).toMatchObject({ code: 'turn/media-path-blocked', status: 'fail', fixes: ['firewall-turn'] });
  });

  it('refuses non-loopback addresses', async () => {
    await expect(startTurnEmulator({ host: '10.88.246.156', realm: 'x', users: {}, relayHost: '127.0.0.1' })).rejects.toThrow(/loopback/);
  });
});
