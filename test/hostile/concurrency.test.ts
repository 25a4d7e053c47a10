import { createSocket, type Socket } from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { privateDir, removePrivateDirs } from './inputs.js';

/**
 * `run --inventory` takes --concurrency from a flag, CMS_DOCTOR_CONCURRENCY or the config, in
 * that order, and 4 only when none gives it. Observed at a loopback DNS server that answers
 * nothing and notes when each deployment's first query came: one at a time, each deployment
 * starts a deadline (0.6 s) after the one before; all at once, within moments of each other.
 */
let sink: Socket;
let port = 0;
/** When the first query of each deployment arrived. */
const first = new Map<number, number>();
beforeAll(async () => {
  sink = createSocket('udp4');
  sink.on('message', (msg) => {
    const m = /\bs(\d)\b/.exec(qname(msg));
    if (m && !first.has(Number(m[1]))) first.set(Number(m[1]), performance.now());
  });
  await new Promise<void>((res) => sink.bind(0, '127.0.0.1', res));
  port = sink.address().port;
});
afterAll(async () => {
  sink.close();
  await removePrivateDirs();
});

/** The question name of a DNS query, labels joined with dots. */
function qname(msg: Buffer): string {
  const labels: string[] = [];
  for (let i = 12; i < msg.length && msg[i]! > 0 && msg[i]! < 64; i += msg[i]! + 1)
    labels.push(msg.subarray(i + 1, i + 1 + msg[i]!).toString('latin1'));
  return labels.join('.');
}

async function fleet(): Promise<string> {
  const dir = await privateDir('conc');
  const dns = `127.0.0.1:${port}`;
  const yaml = [0, 1, 2]
    .map(
      (i) =>
        `- name: silent-${i}\n  external: s${i}.example.invalid\n  external-dns: "${dns}"\n  internal-dns: "${dns}"\n  internal-domain: s${i}.cms.example.invalid\n`,
    )
    .join('');
  await writeFile(join(dir, 'fleet.yaml'), yaml);
  await writeFile(join(dir, 'one.yaml'), 'concurrency: 1\n');
  return dir;
}

/** Runs the fleet; true when the deployments ran one after another. */
async function oneAtATime(args: string[], env: NodeJS.ProcessEnv = {}): Promise<boolean> {
  first.clear();
  const r = await runCli(['run', ...args, '--timeout', '0.6', '--format', 'json', '--only', 'dns'], env);
  expect((JSON.parse(r.stdout) as unknown[]).length).toBe(3);
  expect([...first.keys()].sort()).toEqual([0, 1, 2]);
  const spread = first.get(2)! - first.get(0)!;
  return spread > 700;
}

describe('run --inventory: where --concurrency comes from', () => {
  it('CMS_DOCTOR_CONCURRENCY and a config key are honoured; the default 4 applies only without them', async () => {
    const dir = await fleet();
    const inv = ['--inventory', join(dir, 'fleet.yaml')];
    // Before: the yargs default of 4 hid both, so all three ran at once.
    expect(await oneAtATime(inv, { CMS_DOCTOR_CONCURRENCY: '1' })).toBe(true);
    expect(await oneAtATime([...inv, '--config', join(dir, 'one.yaml')])).toBe(true);
    // The flag beats the variable; with neither, the default runs all three at once.
    expect(await oneAtATime([...inv, '--concurrency', '3'], { CMS_DOCTOR_CONCURRENCY: '1' })).toBe(false);
    expect(await oneAtATime(inv)).toBe(false);
  });
});
