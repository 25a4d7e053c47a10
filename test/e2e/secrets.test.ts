/**
 * Secrets never reach output: the lab's TURN password ("cisco", the document's) and CMS
 * API password, the MMP (SSH) password, the Basic credentials built from it, and the TURN long-term key, in every
 * format, verbose, on stdout and stderr, for a run where TURN rejects them and one where
 * it accepts them.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLab } from '@cms-doctor/lab';
import { runCli } from '../helpers/cli.js';

describe('secrets', () => {
  it.each(['healthy', 'turn-wrong-password'])('%s: no password, credential or key in any output', async (scenario) => {
    const dir = await mkdtemp(join(tmpdir(), 'cmsd-secrets-'));
    const lab = await startLab({ scenario, dir });
    try {
      const turnPassword = (await readFile(String(lab.config['turn-password-file']), 'utf8')).trim();
      const cmsPassword = (await readFile(String(lab.config['cms-password-file']), 'utf8')).trim();
      const mmpPassword = (await readFile(String(lab.config['cms-ssh-password-file']), 'utf8')).trim();
      const user = String(lab.config['cms-user']);
      const forbidden = [
        turnPassword,
        cmsPassword,
        mmpPassword,
        Buffer.from(`${user}:${cmsPassword}`).toString('base64'),
        createHash('md5').update(`turnuser:turnuser:${turnPassword}`).digest('hex'),
      ];
      // The document's TURN password "cisco" is also part of a DNS label every run asks about
      // (_cisco-uds._tcp): it counts as a leak only where it stands alone, not inside a longer label.
      const holds = (text: string, secret: string): boolean =>
        secret === turnPassword
          ? new RegExp(`(?<![\\w-])${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(text)
          : text.includes(secret);
      for (const format of ['text', 'json', 'markdown', 'junit']) {
        const r = await runCli(['run', '--config', lab.configPath, '--format', format, '--verbose']);
        expect([0, 1]).toContain(r.code);
        for (const secret of forbidden) {
          expect(holds(r.stdout, secret), `${format} stdout holds a secret`).toBe(false);
          expect(holds(r.stderr, secret), `${format} stderr holds a secret`).toBe(false);
        }
      }
    } finally {
      await lab.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
