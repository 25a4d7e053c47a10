// The byte scanners alone, as a triage runs them (analyseCapture on a capture, scanFile on a CMS
// log), each in a fresh node process so every run pays the JIT warm-up a CLI run pays, and two
// builds compared alternately (median of N): the scan time issue 13 asks to cut, without the
// CLI's module loading. Inputs are the bench's (`node bench/run.js capture logs` builds them).
//
//   node bench/in-process/scan-files.mjs [--before <root>] [--runs N] [file...]
//
// <root> holds a copy of the packages' builds to compare with (<root>/turn/dist/index.js,
// <root>/cms/dist/index.js; inside the repository so their imports resolve). Needs
// `npx tsc -b packages/turn packages/cms`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

/** Child mode: `--one <root> <file>` scans once and prints {ms, counts}. */
if (process.argv[2] === '--one') {
  const [root, file] = process.argv.slice(3);
  const t0 = performance.now();
  let summary;
  let cpu0;
  if (file.endsWith('.pcap') || file.endsWith('.pcapng')) {
    const { analyseCapture } = await import(pathToFileURL(path.join(root, 'turn/dist/index.js')).href);
    const tImport = performance.now();
    cpu0 = process.cpuUsage();
    const a = await analyseCapture(file);
    summary = { importMs: tImport - t0, scanMs: performance.now() - tImport, stunFrames: a.counts.stunFrames, paired: a.paired };
  } else {
    const { scanFile, LogScanner } = await import(pathToFileURL(path.join(root, 'cms/dist/index.js')).href);
    const tImport = performance.now();
    cpu0 = process.cpuUsage();
    const r = await scanFile(file, new LogScanner());
    const total = r.aggregates.reduce((n, a) => n + a.count, 0);
    summary = {
      importMs: tImport - t0,
      scanMs: performance.now() - tImport,
      lines: r.lines,
      matches: total,
      aggregates: r.aggregates.length,
    };
  }
  // CPU time (user + system) of the scan: steadier than wall time on a shared machine.
  const cpu = process.cpuUsage(cpu0);
  summary.cpuMs = (cpu.user + cpu.system) / 1000;
  summary.maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify(summary));
  process.exit(0);
}

const args = process.argv.slice(2);
let before;
let runs = 5;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--before') before = path.resolve(args[++i]);
  else if (args[i] === '--runs') runs = Number(args[++i]);
  else files.push(path.resolve(args[i]));
}
const cache = process.env.BENCH_CACHE ?? path.join(tmpdir(), 'cms-doctor-bench');
if (files.length === 0)
  for (const f of ['stun-64mb.pcap', 'stun-256mb.pcap', 'cms-syslog-100mb-1in3.log', 'cms-syslog-300mb-1in1000.log'])
    if (existsSync(path.join(cache, f))) files.push(path.join(cache, f));

const after = path.join(repo, 'packages');
const sides = before
  ? [
      ['before', before],
      ['after', after],
    ]
  : [['after', after]];
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const once = (root, file) => {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', root, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
};

for (const file of files) {
  const seen = Object.fromEntries(sides.map(([name]) => [name, []]));
  for (let i = 0; i < runs; i++) for (const [name, root] of sides) seen[name].push(once(root, file));
  const row = { file: path.basename(file) };
  for (const [name] of sides) {
    const rs = seen[name];
    const counts = Object.fromEntries(Object.entries(rs[0]).filter(([k]) => !['scanMs', 'cpuMs', 'importMs', 'maxRssMB'].includes(k)));
    row[name] = {
      scanMs: Math.round(median(rs.map((r) => r.scanMs))),
      cpuMs: Math.round(median(rs.map((r) => r.cpuMs))),
      all: rs.map((r) => Math.round(r.scanMs)),
      maxRssMB: Math.max(...rs.map((r) => r.maxRssMB)),
      ...counts,
    };
  }
  console.log(JSON.stringify(row));
}
