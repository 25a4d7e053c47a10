import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanStream } from '@cms-doctor/cms';
import { analyseCapture } from '../../packages/turn/src/capture/analyse.js';
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

/** How long after `ms` a timer set now actually fired, while `work` runs. */
async function timerLateness(ms: number, work: Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  const fired = new Promise<number>((res) => setTimeout(() => res(performance.now() - t0 - ms), ms));
  await work.catch(() => undefined);
  return fired;
}

describe('CPU-heavy offline readers leave the timers their turn', () => {
  it('a log scan whose chunks arrive without waiting still stops at its deadline', async () => {
    // 1 MiB of CMS-like lines, handed over again and again with no I/O wait between: the
    // case of a file in the page cache in a process that gets a sliver of a core.
    const line = 'Jan 01 00:00:00 cms host: INFO : call 1: participant joined, no media yet\n';
    const chunk = Buffer.from(line.repeat(Math.ceil((1 << 20) / line.length)));
    async function* endless(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 100_000; i++) yield chunk;
    }
    const t0 = performance.now();
    const scan = scanStream(endless(), undefined, AbortSignal.timeout(300));
    const late = timerLateness(100, scan);
    await expect(scan).rejects.toMatchObject({ name: 'TimeoutError' });
    // Before: no timer could fire until all 100 GB were scanned (the deadline never came).
    expect(performance.now() - t0).toBeLessThan(300 + 500);
    expect(await late).toBeLessThan(200);
  });

  it('a capture scan stops at its deadline with the deadline as the reason, not a parse error', async () => {
    const dir = await privateDir('pcap');
    const path = join(dir, 'many.pcap');
    // A classic pcap of 300 000 small Ethernet frames (about 23 MB).
    const head = Buffer.alloc(24);
    head.writeUInt32LE(0xa1b2c3d4, 0);
    head.writeUInt16LE(2, 4);
    head.writeUInt16LE(4, 6);
    head.writeUInt32LE(65535, 16);
    head.writeUInt32LE(1, 20);
    const rec = Buffer.alloc(16 + 60);
    rec.writeUInt32LE(60, 8);
    rec.writeUInt32LE(60, 12);
    await writeFile(path, Buffer.concat([head, Buffer.concat(Array.from({ length: 300_000 }, () => rec))]));
    const whole = await analyseCapture(path);
    expect(whole.error).toBeUndefined();
    const ctl = new AbortController();
    ctl.abort(new DOMException('no decision within 0 s', 'TimeoutError'));
    await expect(analyseCapture(path, ctl.signal)).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});

afterAll(removePrivateDirs);
