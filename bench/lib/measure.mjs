// Whole-process timing: alternating runs of ours and a baseline, medians, peak RSS.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const GNU_TIME = '/usr/bin/time';
const PRELOAD = fileURLToPath(new URL('./maxrss-preload.mjs', import.meta.url));
/** How peak RSS is read: GNU time when installed (BENCH_RSS=proc forces the node preload). */
export const rssMethod = process.env.BENCH_RSS === 'proc' || !existsSync(GNU_TIME) ? 'preload' : 'time';
const rssDir = mkdtempSync(join(tmpdir(), 'cms-doctor-bench-rss-'));
process.on('exit', () => rmSync(rssDir, { recursive: true, force: true }));
let rssSeq = 0;

/**
 * Runs `cmd args` to the end and times it from spawn to exit. With `rss`, the command is wrapped
 * to report its peak RSS (MiB): `/usr/bin/time -v`, or for node commands without it, a preload.
 */
export function runOnce(cmd, args, { rss = false, env, okStatus = [0, 1], input } = {}) {
  let file;
  let argv = [cmd, ...args];
  let extraEnv = {};
  if (rss) {
    file = join(rssDir, `rss-${rssSeq++}`);
    if (rssMethod === 'time') argv = [GNU_TIME, '-v', '-o', file, ...argv];
    else if (cmd === process.execPath) {
      argv = [cmd, '--import', PRELOAD, ...args];
      extraEnv = { BENCH_RSS_OUT: file };
    } else file = undefined; // a native baseline without GNU time: no figure
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), {
    env: { ...process.env, ...env, ...extraEnv },
    maxBuffer: 1 << 30,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    input,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  if (!okStatus.includes(r.status)) {
    throw new Error(`${[cmd, ...args].join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.toString().slice(0, 500)}`);
  }
  let rssMb;
  if (file && existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    const kib = rssMethod === 'time' ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(text)?.[1]) : Number(text);
    if (Number.isFinite(kib) && kib > 0) rssMb = kib / 1024;
  }
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr, rssMb };
}

/**
 * One warm-up run of each side (page cache, disk, code caches), unless `warmup` is false, then
 * `runs` rounds of ours-then-baseline. Alternating spreads the machine's load changes over both.
 */
export function alternate(ours, base, runs, opts = {}) {
  const a = [];
  const b = [];
  if (opts.warmup !== false) {
    runOnce(...ours, opts.ours);
    runOnce(...base, opts.base);
  }
  for (let i = 0; i < runs; i += 1) {
    a.push(runOnce(...ours, opts.ours));
    b.push(runOnce(...base, opts.base));
  }
  return { ours: a, base: b };
}

export const medianOf = (results, key = 'ms') => {
  const xs = results.map((r) => r[key]).filter((x) => typeof x === 'number');
  return xs.length ? median(xs) : undefined;
};
export const maxOf = (results, key) => {
  const xs = results.map((r) => r[key]).filter((x) => typeof x === 'number');
  return xs.length ? Math.max(...xs) : undefined;
};

/** Reads a file once through a small buffer, so both sides find it in the page cache. */
export function warmPageCache(file) {
  const fd = openSync(file, 'r');
  const b = Buffer.allocUnsafe(1 << 20);
  while (readSync(fd, b, 0, b.length, null) > 0);
  closeSync(fd);
}
