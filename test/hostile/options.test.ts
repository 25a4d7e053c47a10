import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { privateDir, zeroBombTarGz, removePrivateDirs } from './inputs.js';

let dir: string;
let notes: string;
beforeAll(async () => {
  dir = await privateDir('options');
  notes = join(dir, 'notes.txt');
  await writeFile(notes, 'guests see a blank page\n');
});

const usage = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> => {
  const r = await runCli(args, env);
  expect(r.code).toBe(2);
  expect(r.stderr).not.toMatch(/internal error|RangeError|\n\s+at /);
  return r.stderr;
};

describe('numeric options: a clear message and exit 2, never a stack trace', () => {
  it.each([['5000000'], ['1e12'], ['0'], ['-3'], ['abc'], ['Infinity']])('--timeout %s', async (v) => {
    expect(await usage(['triage', notes, '--timeout', v])).toMatch(/--timeout must be a number of seconds above 0 and at most 86400/);
  });

  it('--concurrency, ports and extraction caps are checked the same way', async () => {
    expect(await usage(['run', '--inventory', notes, '--concurrency', '0'])).toMatch(/--concurrency must be/);
    expect(await usage(['run', '--external', 'a.example', '--turn-tls-port', '70000'])).toMatch(/--turn-tls-port must be a port number/);
    expect(await usage(['triage', notes, '--max-extract-bytes', '-1'])).toMatch(/--max-extract-bytes must be/);
    expect(await usage(['triage', notes, '--max-kdf-iterations', '1.5'])).toMatch(/--max-kdf-iterations must be/);
  });
});

describe('CMS_DOCTOR_* variables and config keys go through the same schema as the flags', () => {
  it('CMS_DOCTOR_TIMEOUT and a config timeout are read, and a bad one exits 2 naming it', async () => {
    expect(await usage(['triage', notes], { CMS_DOCTOR_TIMEOUT: '1e12' })).toMatch(/CMS_DOCTOR_TIMEOUT must be/);
    const cfg = join(dir, 'timeout.yaml');
    await writeFile(cfg, 'timeout: soon\n');
    expect(await usage(['triage', notes, '--config', cfg])).toMatch(/"timeout" in .*timeout\.yaml must be a number of seconds/);

    // Honoured: a bomb that would run for minutes stops at the 1 s from the variable, and from the config.
    const bomb = join(dir, 'bomb.tar.gz');
    await zeroBombTarGz(bomb, 4 * 1024 ** 3);
    const own = await privateDir('options-tmp');
    const viaEnv = await runCli(['triage', bomb, '--format', 'json', '--max-extract-bytes', String(2 ** 40)], {
      CMS_DOCTOR_TIMEOUT: '1',
      TMPDIR: own,
    });
    // Without the variable the 600 s default and a 1 TiB cap would let it run on; the deadline stops it.
    type Out = { durationMs: number; files: { reason?: string }[] };
    const a = JSON.parse(viaEnv.stdout) as Out;
    expect(a.files[0]?.reason).toMatch(/deadline was reached/);
    expect(a.durationMs).toBeLessThan(8000);
    await writeFile(cfg, 'timeout: 1\nmax-extract-bytes: 1099511627776\n');
    const viaConfig = JSON.parse((await runCli(['triage', bomb, '--config', cfg, '--format', 'json'])).stdout) as Out;
    expect(viaConfig.files[0]?.reason).toMatch(/deadline was reached/);
    expect(viaConfig.durationMs).toBeLessThan(8000);
  });

  it('config values of the wrong type or unknown keys exit 2 naming the key', async () => {
    const cfg = join(dir, 'types.yaml');
    await writeFile(cfg, 'external: [1, 2, 3]\n');
    expect(await usage(['run', '--config', cfg])).toMatch(/"external" in .*types\.yaml must be text, got \[1,2,3\]/);
    await writeFile(cfg, 'turn-tcp-expected: maybe\n');
    expect(await usage(['run', '--config', cfg])).toMatch(/"turn-tcp-expected" .* must be true or false/);
    await writeFile(cfg, 'externl: cmsweb.example.com\n');
    expect(await usage(['run', '--config', cfg])).toMatch(/"externl" .* is not an option/);
  });
});

describe('credentials in API URLs and Basic auth over plain http', () => {
  it('a password in --cms-api is refused (exit 2) and never echoed', async () => {
    const err = await usage(['run', '--external', 'a.example', '--cms-api', 'https://admin:pw-Zq9@127.0.0.1:9', '--cms-user', 'admin']);
    expect(err).toMatch(/--cms-api must not hold a user or password/);
    expect(err).not.toContain('pw-Zq9');
    const cfg = join(dir, 'url.yaml');
    await writeFile(cfg, 'cms-api: https://admin:pw-Zq9@127.0.0.1:9\n');
    expect(await usage(['run', '--config', cfg])).not.toContain('pw-Zq9');
    expect(await usage(['run', '--external', 'a.example'], { CMS_DOCTOR_CMS_API: 'https://u:pw-Zq9@127.0.0.1:9' })).toMatch(
      /CMS_DOCTOR_CMS_API must not hold/,
    );
  });

  it('http:// is refused unless --insecure, which the report then shows', async () => {
    const env = { CMS_DOCTOR_CMS_PASSWORD: 'pw-Zq9' };
    const base = [
      'run',
      '--external',
      'a.example',
      '--cms-api',
      'http://127.0.0.1:9',
      '--cms-user',
      'admin',
      '--only',
      'cms',
      '--timeout',
      '2',
    ];
    expect(await usage(base, env)).toMatch(/plain http:\/\/: the API password would cross the network in clear.*--insecure/);
    const r = await runCli([...base, '--insecure'], env);
    expect(r.code).not.toBe(2);
    expect(r.stdout).toMatch(/--insecure/);
    expect(r.stdout + r.stderr).not.toContain('pw-Zq9');
    // Every format says the password went in clear, not only that TLS verification is off.
    const inClear = /--cms-api is plain http:\/\/ \(--insecure\): the CMS API user name and password were sent in clear/;
    expect(r.stdout).toMatch(inClear);
    expect(r.stdout).not.toMatch(/TLS verification/);
    const md = await runCli([...base, '--insecure', '--format', 'markdown'], env);
    expect(md.stdout).toMatch(new RegExp(`> ⚠️ \\*\\*${inClear.source}`));
    const json = JSON.parse((await runCli([...base, '--insecure', '--format', 'json'], env)).stdout) as { target: Record<string, unknown> };
    expect(json.target).toMatchObject({
      cmsApi: 'http://127.0.0.1:9',
      insecure: true,
      transportWarnings: [expect.stringMatching(inClear)],
    });
    // https:// with --insecure: only verification is off, and that is what the report says.
    const tls = await runCli([...base.map((a) => a.replace('http://', 'https://')), '--insecure', '--format', 'json'], env);
    expect((JSON.parse(tls.stdout) as { target: Record<string, unknown> }).target.transportWarnings).toEqual([
      'TLS verification of the CMS API is disabled (--insecure)',
    ]);
  });
});

describe('config and inventory size, FIFOs', () => {
  it('a 50 MB YAML --config is refused at once by size, before any parsing', async () => {
    const big = join(dir, 'big.yaml');
    // Sparse: 50 MB on paper, nothing on disk.
    execFileSync('truncate', ['-s', '50M', big]);
    const t0 = performance.now();
    expect(await usage(['triage', notes, '--config', big])).toMatch(/above the 65536-byte limit/);
    expect(await usage(['run', '--inventory', big])).toMatch(/above the 524288-byte limit/);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('the largest allowed config parses quickly even when built to be slow', async () => {
    const worst = join(dir, 'worst.yaml');
    // 50 000 nested brackets exhaust the parser's memory: refused by a scan before parsing.
    await writeFile(worst, `x: ${'['.repeat(30_000)}${']'.repeat(30_000)}\n`);
    let t0 = performance.now();
    expect(await usage(['triage', notes, '--config', worst])).toMatch(/deeper than 64 levels/);
    expect(performance.now() - t0).toBeLessThan(2000);
    // Many keys (the parser's duplicate check would be quadratic) just under the 64 KiB cap.
    const keys = Array.from({ length: 7_000 }, (_, i) => `k${i}: v`).join('\n');
    await writeFile(worst, keys.slice(0, 64 * 1024 - 1));
    t0 = performance.now();
    expect(await usage(['triage', notes, '--config', worst])).toMatch(/"k0" in .* is not an option|not valid YAML/);
    expect(performance.now() - t0).toBeLessThan(4000);
  });

  it('a FIFO as input, as --config or as a password file is never opened for a blocking read', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const t0 = performance.now();
    const input = await runCli(['triage', fifo, '--format', 'json', '--timeout', '3']);
    const report = JSON.parse(input.stdout) as { files: { path: string; kind: string; reason?: string }[] };
    expect(report.files[0]).toMatchObject({ path: fifo, kind: 'unreadable' });
    expect(report.files[0]?.reason).toMatch(/named pipe \(FIFO\): only regular files/);
    const folder = await runCli(['triage', dir, '--format', 'json', '--timeout', '3']);
    expect(folder.stdout).toContain('named pipe (FIFO)');
    expect(await usage(['triage', notes, '--config', fifo])).toMatch(/is not a regular file/);
    expect(await usage(['triage', notes, '--cert-password-file', fifo])).toMatch(/is not a regular file/);
    expect(performance.now() - t0).toBeLessThan(6000);
  });
});

afterAll(removePrivateDirs);
