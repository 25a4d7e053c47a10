import { execFileSync, spawn } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLabPki } from '@cms-doctor/lab';
import { hasPeer } from '../helpers/peers.js';
import { BIN, runCli, spawnCli } from '../helpers/cli.js';
import { leftovers, privateDir, withMacIterations, zeroBombTarGz, removePrivateDirs } from './inputs.js';

interface Report {
  durationMs: number;
  files: { path: string; kind: string; reason?: string }[];
}

describe.runIf(hasPeer('openssl'))('PKCS#12 key derivation costs are capped', () => {
  it('a valid 2.5 KB file with a MAC iteration count of 2^31-1 is refused at once, no password needed', async () => {
    const dir = await privateDir('p12');
    const pki = await createLabPki({ names: ['cmsweb.octavio.com'], kind: 'rsa' });
    await writeFile(join(dir, 'key.pem'), pki.keyPem);
    await writeFile(join(dir, 'chain.pem'), pki.chainPem);
    const pfx = join(dir, 'edge.pfx');
    const args = ['pkcs12', '-export', '-in', join(dir, 'chain.pem'), '-inkey', join(dir, 'key.pem'), '-out', pfx, '-passout', 'pass:'];
    execFileSync('openssl', args);
    const hostile = join(dir, 'hang.pfx');
    await writeFile(hostile, withMacIterations(await readFile(pfx), 2 ** 31 - 1));

    const t0 = performance.now();
    const r = await runCli(['triage', hostile, '--format', 'json', '--timeout', '5']);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.files[0]).toMatchObject({ kind: 'unreadable' });
    expect(report.files[0]?.reason).toMatch(/asks for 2147483647 iterations, above the limit of 250000.*--max-kdf-iterations/);
    expect(performance.now() - t0).toBeLessThan(5000);

    // The same mechanism with a small cap set by the flag: OpenSSL's own 2048 is then too many.
    const capped = JSON.parse((await runCli(['triage', pfx, '--format', 'json', '--max-kdf-iterations', '1000'])).stdout) as Report;
    expect(capped.files[0]?.reason).toMatch(/asks for 2048 iterations, above the limit of 1000/);
    const fine = JSON.parse((await runCli(['triage', pfx, '--format', 'json', '--max-kdf-iterations', '250000'])).stdout) as Report;
    expect(fine.files[0]?.kind).toBe('pkcs12');
  });
});

describe.runIf(hasPeer('openssl'))('PKCS#12 key derivation runs where the deadline can stop it', () => {
  it('a file just under a raised cap ends at --timeout plus start-up, with a file-level finding, no worker left', async () => {
    const dir = await privateDir('p12-slow');
    const pki = await createLabPki({ names: ['cmsweb.octavio.com'], kind: 'rsa' });
    await writeFile(join(dir, 'key.pem'), pki.keyPem);
    await writeFile(join(dir, 'chain.pem'), pki.chainPem);
    const pfx = execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-in',
      join(dir, 'chain.pem'),
      '-inkey',
      join(dir, 'key.pem'),
      '-passout',
      'pass:',
    ]);
    // 2.4 million MAC rounds: several seconds of forge on the main thread before (17 s wall at
    // --timeout 3 when measured), under the raised cap of 2.5 million so only the deadline stops it.
    const slow = join(dir, 'slow.pfx');
    await writeFile(slow, withMacIterations(pfx, 2_400_000));

    const t0 = performance.now();
    // The built CLI in its own process: it can only exit this soon if no worker thread is left running.
    const r = await spawnCli(['triage', slow, '--format', 'json', '--timeout', '2', '--max-kdf-iterations', '2500000'], {}, 30_000);
    const wall = performance.now() - t0;
    const report = JSON.parse(r.stdout) as Report & { findings: { code: string; status: string; detail?: string }[] };
    expect(report.files[0]).toMatchObject({ kind: 'unreadable' });
    expect(report.files[0]?.reason).toMatch(/PKCS#12: not opened: its key derivation was stopped at the deadline.*raise --timeout/);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ code: 'triage/unreadable-file', detail: expect.stringMatching(/stopped at the deadline/) }),
    );
    expect(wall).toBeLessThan(2000 + 3000);
  });
});

/** Spawns the built CLI on a bomb, waits until it is writing to its temp folder, then sends `signal`. */
async function interrupt(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; tmp: string }> {
  const dir = await privateDir('sig');
  const tmp = await privateDir('sig-tmp');
  const bomb = join(dir, 'bomb.tar.gz');
  await zeroBombTarGz(bomb, 2 * 1024 ** 3);
  const child = spawn(process.execPath, [BIN, 'triage', bomb, '--timeout', '60', '--format', 'json'], {
    env: { PATH: process.env.PATH, TMPDIR: tmp },
    stdio: 'ignore',
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('exit', (code, sig) => res({ code, signal: sig })),
  );
  const until = Date.now() + 20_000;
  // Extraction has begun once a member file exists under the temp folder.
  while (Date.now() < until && !(await readdir(tmp, { recursive: true })).some((p) => String(p).endsWith('zeros.log')))
    await new Promise((r) => setTimeout(r, 50));
  child.kill(signal);
  return { ...(await exited), tmp };
}

describe('temp folders are removed on every exit path', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s during extraction leaves nothing behind and ends by that signal', async (sig) => {
    const r = await interrupt(sig);
    expect(r.signal).toBe(sig);
    expect(await leftovers(r.tmp)).toEqual([]);
  });
});

describe('demo leaves no lab password files behind', () => {
  it('after a normal run, and after SIGTERM while the lab runs', async () => {
    const tmp = await privateDir('demo-tmp');
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const r = await runCli(['demo', '--scenario', 'healthy', '--format', 'json', '--timeout', '5']);
      expect([0, 1, 3]).toContain(r.code);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(await leftovers(tmp)).toEqual([]);

    const child = spawn(process.execPath, [BIN, 'demo', '--scenario', 'healthy', '--format', 'json', '--timeout', '20'], {
      env: { PATH: process.env.PATH, TMPDIR: tmp },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_c, sig) => res(sig)));
    const until = Date.now() + 20_000;
    while (Date.now() < until && !(await readdir(tmp, { recursive: true })).some((p) => String(p).endsWith('cms-password')))
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    expect(await leftovers(tmp)).toEqual([]);
  });
});

afterAll(removePrivateDirs);
