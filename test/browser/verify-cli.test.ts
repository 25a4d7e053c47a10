/**
 * `cms-doctor verify` as a user runs it (a spawned bin/cms-doctor.js), its wall time on the
 * healthy lab, the TURN password kept out of every format, the skip without Chromium, and
 * real coturn as the TURN server.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCUMENT, LAB, startLab, startTurnEmulator } from '@cms-doctor/lab';
import type { Report } from '@cms-doctor/core';
import { runCli, spawnCli } from '../helpers/cli.js';
import { hasPeer } from '../helpers/peers.js';
import { schemaErrors } from '../helpers/schema.js';
import { startCoturn } from '../../packages/turn/test/coturn.js';

const HAVE_CHROMIUM = hasPeer('chromium') && hasPeer('certutil');
const HAVE_COTURN = HAVE_CHROMIUM && hasPeer('turnserver');

describe.skipIf(!HAVE_CHROMIUM)('cms-doctor verify', () => {
  it('spawned as a user runs it: healthy lab, JSON report, exit 0', { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmsd-verify-spawn-'));
    const lab = await startLab({ scenario: 'healthy', dir });
    try {
      const t0 = performance.now();
      const r = await spawnCli(['verify', '--config', lab.configPath, '--format', 'json']);
      const wallMs = Math.round(performance.now() - t0);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as Report;
      expect(schemaErrors(report)).toBe('');
      expect(report.findings.map((f) => [f.code, f.status])).toEqual([
        ['browser/page', 'pass'],
        ['browser/media', 'pass'],
      ]);
      // The figure docs/decisions/browser-verification.md records.
      console.info(`[cms-doctor tests] verify on the healthy lab: ${wallMs} ms wall (report durationMs ${Math.round(report.durationMs)})`);
    } finally {
      await lab.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the TURN password appears in no format, accepted or rejected', { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmsd-verify-secret-'));
    const lab = await startLab({ scenario: 'healthy', dir });
    // A password that cannot occur by chance in a report, on a TURN server of our own.
    const password = 'Vrfy-Secret-7f3a9c';
    const good = await startTurnEmulator({
      host: LAB.edgeNat,
      realm: DOCUMENT.turnRealm,
      users: { turnuser: password },
      relayHost: LAB.edgeNat,
    });
    const bad = await startTurnEmulator({
      host: LAB.edgeNat,
      realm: DOCUMENT.turnRealm,
      users: { turnuser: 'other' },
      relayHost: LAB.edgeNat,
    });
    try {
      // The lab's configuration with the password taken from the environment and this TURN server.
      const config = join(dir, 'secret.yaml');
      const values: Record<string, unknown> = { ...lab.config };
      delete values['turn-password-file'];
      delete values['turn-tcp-expected'];
      // Five formats at once share one Chromium (same options); accepted, then rejected.
      for (const t of [good, bad]) {
        const accepted = t === good;
        await writeFile(config, stringify({ ...values, turn: `${LAB.edgeNat}:${t.udpPort}` }));
        const runs = ['text', 'json', 'markdown', 'junit', 'html'].map(async (format) => ({
          format,
          r: await runCli(['verify', '--config', config, '--format', format, '--verbose'], {
            CMS_DOCTOR_TURN_PASSWORD: password,
          }),
        }));
        for (const { format, r } of await Promise.all(runs)) {
          expect(r.stdout.length, format).toBeGreaterThan(0);
          expect(r.stdout, `${format} ${accepted}`).not.toContain(password);
          expect(r.stderr, `${format} ${accepted}`).not.toContain(password);
          if (format === 'json') {
            // The emulator's TCP listener is on another port than --turn: only UDP is judged here.
            const media = (JSON.parse(r.stdout) as Report).findings.filter((f) => f.check === 'browser.media');
            expect(
              media.map((f) => f.code),
              JSON.stringify(media).slice(0, 1500),
            ).toContain(accepted ? 'browser/media' : 'turn/integrity-check-failure');
          }
        }
      }
    } finally {
      await Promise.all([good.close(), bad.close(), lab.close()]);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without Chromium both checks are skipped, naming the Debian package', { timeout: 30_000 }, async () => {
    const r = await runCli(
      [
        'verify',
        '--external',
        'cmsweb.example.com',
        '--edge',
        '127.0.0.1:9',
        '--turn',
        '127.0.0.1:9',
        '--turn-user',
        'u',
        '--format',
        'json',
      ],
      { CMS_DOCTOR_TURN_PASSWORD: 'x', CMS_DOCTOR_CHROMIUM: '/nonexistent/chromium' },
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.map((f) => [f.code, f.status, f.needs])).toEqual([
      ['browser/page', 'skip', ['chromium']],
      ['browser/media', 'skip', ['chromium']],
    ]);
    for (const f of report.findings) expect(f.detail).toContain('Debian package chromium');
  });
});

describe.skipIf(!HAVE_COTURN)('cms-doctor verify with real coturn as the TURN server', () => {
  it('relays over UDP and TCP; a wrong password is a TURN credentials finding', { timeout: 90_000 }, async () => {
    const coturn = await startCoturn();
    try {
      const args = (pw: string) =>
        runCli(
          [
            'verify',
            '--external',
            'cmsweb.example.com',
            '--edge',
            '127.0.0.1:9',
            '--turn',
            `127.0.0.1:${coturn.port}`,
            '--turn-user',
            'turnuser',
            '--turn-tcp-expected',
            '--format',
            'json',
          ],
          { CMS_DOCTOR_TURN_PASSWORD: pw },
        );
      const [ok, wrong] = await Promise.all([args('cisco'), args('not-the-password')]);
      const media = (r: { stdout: string }) => (JSON.parse(r.stdout) as Report).findings.filter((f) => f.check === 'browser.media');
      expect(media(ok).map((f) => [f.code, f.status])).toEqual([['browser/media', 'pass']]);
      expect(media(ok)[0]?.title).toContain('udp, tcp');
      const codes = media(wrong).map((f) => f.code);
      expect(codes.length).toBeGreaterThan(0);
      for (const c of codes) expect(['turn/credentials-rejected', 'turn/integrity-check-failure', 'turn/wrong-credentials']).toContain(c);
    } finally {
      await coturn.stop();
    }
  });
});
