import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { privateDir, removePrivateDirs } from './inputs.js';

/**
 * Many dead deployments at once: every report must keep the deadline from when its
 * deployment was admitted. Every address is loopback with nothing listening.
 */
describe('deadlines under load', () => {
  it('40 dead deployments at --concurrency 40 --timeout 1: each report within the deadline plus a small margin', async () => {
    const dir = await privateDir('fleet');
    const dead = '127.0.0.1:9';
    const fleet = Array.from(
      { length: 40 },
      (_, i) =>
        `- name: dead-${i}\n  external: dead${i}.example.invalid\n  external-dns: "${dead}"\n  internal-dns: "${dead}"\n  internal-domain: cms.example.invalid\n  edge: "${dead}"\n  turn: "${dead}"\n  webbridge: "${dead}"\n`,
    ).join('');
    const inv = join(dir, 'fleet.yaml');
    await writeFile(inv, fleet);
    const t0 = performance.now();
    const r = await runCli([
      'run',
      '--inventory',
      inv,
      '--concurrency',
      '40',
      '--timeout',
      '1',
      '--format',
      'json',
      '--only',
      'dns',
      'turn',
    ]);
    const wall = performance.now() - t0;
    const reports = JSON.parse(r.stdout) as { durationMs: number }[];
    expect(reports).toHaveLength(40);
    const worst = Math.max(...reports.map((x) => x.durationMs));
    expect(worst).toBeLessThan(1000 + 1000);
    expect(wall).toBeLessThan(8000);
  });
});

afterAll(removePrivateDirs);
