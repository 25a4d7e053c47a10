/** `lab` and `demo` as a user runs them: separate processes, the lab in one, `run --config` in another. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, spawnCli } from '../helpers/cli.js';

describe('lab and demo (spawned)', () => {
  it('demo: the healthy deployment exits 0 with no failure', async () => {
    const r = await spawnCli(['demo', '--format', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { summary: { fail: number } }).summary.fail).toBe(0);
  });

  it('demo --scenario turn-wrong-password exits 1 with the 431 and its fix', async () => {
    const r = await spawnCli(['demo', '--scenario', 'turn-wrong-password', '--only', 'turn', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { code: string; fixes: string[] }[] };
    expect(report.findings.find((f) => f.code === 'turn/integrity-check-failure')?.fixes).toEqual(['turn-credentials']);
  });

  it('an unknown scenario exits 2 and lists the known ones', async () => {
    const r = await spawnCli(['demo', '--scenario', 'no-such-thing']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('healthy');
  });

  it('lab prints the run command; run --config in another process diagnoses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmsd-lab-spawn-'));
    const lab = spawn(process.execPath, [BIN, 'lab', '--scenario', 'dns-internal-points-to-edge', '--dir', dir, '--for', '30'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`lab did not start: ${out}`)), 20_000);
        lab.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('run --config')) {
            clearTimeout(timer);
            resolve();
          }
        });
        lab.on('exit', (code) => reject(new Error(`lab exited ${code}: ${out}`)));
      });
      const config = join(dir, 'cms-doctor.yaml');
      expect(out).toContain(`npx cms-doctor run --config ${config}`);
      expect(existsSync(config)).toBe(true);
      const r = await spawnCli(['run', '--config', config, '--only', 'dns', '--format', 'json']);
      expect(r.code).toBe(1);
      expect((JSON.parse(r.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).toContain('dns/internal-not-cms');
    } finally {
      lab.kill('SIGINT');
      await new Promise((r) => lab.once('exit', r));
    }
  });
});
