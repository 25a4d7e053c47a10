import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectInputs } from '../../packages/doctor/src/triage/collect.js';
import { liveTempCount } from '../../packages/doctor/src/triage/temp-registry.js';
import { RSS_PROBE, bytesUnder, leftovers, privateDir, tarOf, writeZip, zeroBombTarGz, removePrivateDirs } from './inputs.js';

const CLI = fileURLToPath(new URL('../../packages/doctor/dist/cli.js', import.meta.url));
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

interface Run {
  code: number;
  ms: number;
  rssKb: number;
  stdout: string;
  stderr: string;
}

/** The built CLI in a child with its own TMPDIR; reports wall time and peak RSS. */
function runChild(args: string[], tmp: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', RSS_PROBE, CLI, ...args], {
      env: { PATH: process.env.PATH, TMPDIR: tmp, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      const rss = /MAXRSS_KB (\d+)/.exec(stderr);
      resolve({ code: code ?? -1, ms: performance.now() - t0, rssKb: Number(rss?.[1] ?? 0), stdout, stderr });
    });
  });
}

interface FileRow {
  path: string;
  kind: string;
  reason?: string;
}

let dir: string;
let tmp: string;
const savedTmp = process.env.TMPDIR;
beforeAll(async () => {
  dir = await privateDir('archives');
  tmp = await privateDir('archives-tmp');
  // In-process extraction writes under a TMPDIR of its own, so leftovers are ours alone.
  process.env.TMPDIR = tmp;
});
afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

describe('decompression bombs: caps hold for the whole run, nested archives included', () => {
  it('a 10 GiB-of-zeros tar.gz (a few KB) stops at the byte cap, streaming, and is a file-level finding', async () => {
    const bomb = join(dir, 'bomb.tar.gz');
    await zeroBombTarGz(bomb, 10 * GiB);
    const { entries, workDirs } = await collectInputs([bomb], [], { limits: { maxBytes: 8 * MiB } });
    try {
      expect(await bytesUnder(tmp)).toBeLessThanOrEqual(8 * MiB);
      const row = entries.find((e) => e.path === bomb);
      expect(row?.kind).toBe('unreadable');
      expect(row?.reason).toMatch(/limit of 8388608 extracted bytes.*--max-extract-bytes/);
    } finally {
      await Promise.all(workDirs.map((w) => w.dispose()));
    }
    expect(await leftovers(tmp)).toEqual([]);
    expect(liveTempCount()).toBe(0);
  });

  it('three zero-filled zips inside one zip share one byte budget (caps are per run, not per archive)', async () => {
    const inner = join(dir, 'inner.zip');
    writeZip(inner, { 'zeros.bin': { zeros: 2 * MiB } });
    const outer = join(dir, 'outer.zip');
    writeZip(outer, { 'a.zip': { file: inner }, 'b.zip': { file: inner }, 'c.zip': { file: inner } });
    const { entries, workDirs } = await collectInputs([outer], [], { limits: { maxBytes: 3 * MiB } });
    try {
      // Each inner zip alone fits; together they would write 6 MiB.
      expect(await bytesUnder(tmp)).toBeLessThanOrEqual(3 * MiB);
      expect(entries.some((e) => /extracted bytes was reached/.test(e.reason ?? ''))).toBe(true);
    } finally {
      await Promise.all(workDirs.map((w) => w.dispose()));
    }
    expect(await leftovers(tmp)).toEqual([]);
  });

  it('a low-ratio tar (random data) meets the same byte cap; a member-count cap stops many small members', async () => {
    const noise = (n: number): Buffer => randomBytes(n);
    const big = join(dir, 'noise.tar');
    await writeFile(big, tarOf(Array.from({ length: 6 }, (_, i) => ({ name: `n${i}.bin`, bytes: noise(MiB) }))));
    const many = join(dir, 'many.tar');
    await writeFile(many, tarOf(Array.from({ length: 40 }, (_, i) => ({ name: `m${i}.txt`, bytes: Buffer.from(`line ${i}\n`) }))));
    const bytesCapped = await collectInputs([big], [], { limits: { maxBytes: 3 * MiB } });
    try {
      expect(await bytesUnder(tmp)).toBeLessThanOrEqual(3 * MiB);
      expect(bytesCapped.entries.find((e) => e.path === big)?.reason).toMatch(/extracted bytes was reached/);
    } finally {
      await Promise.all(bytesCapped.workDirs.map((w) => w.dispose()));
    }
    const entriesCapped = await collectInputs([many], [], { limits: { maxEntries: 10 } });
    try {
      expect(entriesCapped.entries.find((e) => e.path === many)?.reason).toMatch(/limit of 10 extracted members.*--max-extract-entries/);
      expect(entriesCapped.entries.filter((e) => e.path.startsWith(`${many}!`)).length).toBeLessThanOrEqual(10);
    } finally {
      await Promise.all(entriesCapped.workDirs.map((w) => w.dispose()));
    }
    expect(await leftovers(tmp)).toEqual([]);
  });

  it('the deadline stops extraction: wall time, peak RSS and temp folder bounded (spawned CLI, default byte cap)', async () => {
    const bomb = join(dir, 'deadline-bomb.tar.gz');
    await zeroBombTarGz(bomb, 10 * GiB);
    const own = await privateDir('deadline-tmp');
    const r = await runChild(['triage', bomb, '--timeout', '1', '--format', 'json'], own);
    expect(r.stderr).not.toMatch(/internal error/);
    const report = JSON.parse(r.stdout) as { durationMs: number; files: FileRow[]; findings: { code: string; detail?: string }[] };
    // Extraction stops a little before the deadline, so the file-level finding still reports why.
    expect(report.findings.find((f) => f.code === 'triage/unreadable-file')?.detail).toMatch(/deadline was reached during extraction/);
    // The run's own clock: the deadline plus a margin for writing the report.
    expect(report.durationMs).toBeLessThan(1000 + 1500);
    expect(report.files[0]?.reason).toMatch(/deadline was reached during extraction|extracted bytes/);
    expect(r.rssKb).toBeGreaterThan(0);
    expect(r.rssKb).toBeLessThan(400 * 1024);
    expect(await leftovers(own)).toEqual([]);
  });
});

describe('a truncated archive is a file-level finding, not a crash', () => {
  it('the 200 KB head of a tar.gz: members read so far are used, the archive is listed as truncated, nothing left behind', async () => {
    const noise = (): Buffer => randomBytes(64 * 1024);
    const { gzipSync } = await import('node:zlib');
    const whole = gzipSync(tarOf(Array.from({ length: 8 }, (_, i) => ({ name: `logs/f${i}.log`, bytes: noise() }))), { level: 1 });
    const cut = join(dir, 'cut.tar.gz');
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const own = await privateDir('trunc-tmp');
    const r = await runChild(['triage', cut, '--format', 'json'], own);
    expect(r.stderr).not.toMatch(/internal error|ENOTEMPTY/);
    expect([0, 1]).toContain(r.code);
    const report = JSON.parse(r.stdout) as { files: FileRow[]; findings: { code: string; status: string; subject?: string }[] };
    const row = report.files.find((f) => f.path === cut);
    expect(row).toMatchObject({ kind: 'unreadable' });
    expect(row?.reason).toMatch(/truncated or corrupt after \d+ member\(s\)/);
    expect(report.files.filter((f) => f.path.startsWith(`${cut}!`)).length).toBeGreaterThan(0);
    expect(report.findings.find((f) => f.code === 'triage/unreadable-file' && f.subject === cut)?.status).toBe('warn');
    expect(await leftovers(own)).toEqual([]);
  });
});

describe('a file without line breaks', () => {
  it('is read line by line with a bounded line length, not held whole in memory', async () => {
    const { boundedLines } = await import('../../packages/doctor/src/triage/input-file.js');
    const path = join(dir, 'one-line.log');
    await writeFile(path, `first\r\n${'x'.repeat(3 * MiB)}\nafter\nlast`);
    const lines: string[] = [];
    for await (const line of boundedLines(path, 1024)) lines.push(line);
    expect(lines.map((l) => l.length)).toEqual([5, 1024, 5, 4]);
    expect(lines[2]).toBe('after');
  });
});

afterAll(removePrivateDirs);
