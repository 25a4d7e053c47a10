#!/usr/bin/env node
// `npm run bench`: every command of issue 13 run as a whole process, the way a user runs it, against
// its baseline (node's own start, tshark, grep), alternately (ours, baseline, ours, ...), median of N.
// Prints one table row per command: medians, ratio, the issue's goal and whether it is met, and
// peak RSS where the goal names one. Method and baselines: docs/decisions/benchmarks.md.
//
//   node bench/run.js                 every row
//   node bench/run.js capture logs    only rows whose id contains one of the words
//   node bench/run.js --in-process    also the in-process benches in bench/in-process/
//
// BENCH_RUNS: rounds per row (default 7 for small inputs and the lab run, 3 for the large files,
// which are not run for warm-up either: the file is read once into the page cache instead).
// BENCH_CACHE: where the large inputs are built once and kept (default os.tmpdir()/cms-doctor-bench).
// BENCH_RSS=proc: read peak RSS with the node preload even when /usr/bin/time is installed.
// BENCH_JSON=<file>: also write the rows as JSON (for comparing runs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternate, maxOf, median, medianOf, rssMethod, runOnce, warmPageCache } from './lib/measure.mjs';
import { buildCapture, CAPTURE_SOURCES, loadCaptureSources } from './lib/capture-build.mjs';
import { buildLog, loadLogLines } from './lib/log-build.mjs';
import { closedUdpPort, icmpRefusalMs } from './lib/net.mjs';
import { criticalPathMs, startLabProcess } from './lib/lab.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/cms-doctor.js');
const NODE = process.execPath;
const args = process.argv.slice(2);
const inProcess = args.includes('--in-process');
const only = args.filter((a) => !a.startsWith('--'));
const want = (id) => only.length === 0 || only.some((o) => id.includes(o));
const wantAny = (...ids) => ids.some(want);
const envRuns = process.env.BENCH_RUNS ? Number(process.env.BENCH_RUNS) : undefined;
if (envRuns !== undefined && !(Number.isInteger(envRuns) && envRuns > 0)) {
  console.error(`BENCH_RUNS must be a positive integer, got "${process.env.BENCH_RUNS}"`);
  process.exit(2);
}
const SMALL_RUNS = envRuns ?? 7;
const LARGE_RUNS = envRuns ?? 3;
const cache = process.env.BENCH_CACHE ?? join(tmpdir(), 'cms-doctor-bench');
/** Large inputs get a generous deadline: the rows measure speed, not the 15 s default deadline. */
const BIG_TIMEOUT = ['--timeout', '600'];

const log = (s) => process.stderr.write(`${s}\n`);
const rows = [];
const notes = [];
const fmtMs = (ms) => (ms === undefined ? '—' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);
const fmtMb = (mb) => (mb === undefined ? '—' : `${mb.toFixed(0)} MB`);

/** A table row; `met` is true/false, or undefined when the row cannot be judged. */
function row(r) {
  rows.push(r);
  const ratio = r.oursMs !== undefined && r.baseMs ? r.oursMs / r.baseMs : undefined;
  log(
    `  ${r.command}: ours ${fmtMs(r.oursMs)}, baseline ${fmtMs(r.baseMs)}` +
      `${ratio ? ` (${ratio.toFixed(2)}x)` : ''}, goal ${r.goal}: ${r.met === undefined ? '?' : r.met ? 'met' : 'NOT met'}` +
      `${r.note ? ` — ${r.note}` : ''}`,
  );
}

/** The report a `--format json` run printed, or undefined. */
function reportOf(result) {
  try {
    return JSON.parse(result.stdout.toString());
  } catch {
    return undefined;
  }
}

// ---------- node start and small inputs: <= k x `node -e 0` ----------
const nodeStart = [NODE, ['-e', '0']];
function startupRow(id, command, argv, factor, { plusMs = 0, plusNote, okStatus } = {}) {
  if (!want(id)) return undefined;
  log(`# ${id}`);
  const r = alternate([NODE, [bin, ...argv]], nodeStart, SMALL_RUNS, { ours: { okStatus } });
  const oursMs = medianOf(r.ours);
  const baseMs = medianOf(r.base);
  const limit = factor * baseMs + plusMs;
  row({
    id,
    command,
    oursMs,
    baseMs,
    baseline: '`node -e 0`',
    goal: plusNote ? `≤ ${factor}x + ${plusNote}` : `≤ ${factor}x`,
    met: oursMs <= limit,
    runs: SMALL_RUNS,
  });
  return r;
}

startupRow('version', '`--version`', ['--version'], 1.5);
startupRow('help', '`--help`', ['--help'], 1.5);
startupRow('explain', '`explain turn/integrity-check-failure`', ['explain', 'turn/integrity-check-failure'], 1.5);
startupRow('checks', '`checks`', ['checks'], 1.5);
const smallLog = join(root, 'fixtures/cms/logs/cms-edge-syslog_tac221729_webrtc-join.txt');
startupRow('triage-small', '`triage` of a 3-line CMS log', ['triage', smallLog], 2.5, { okStatus: [0, 1, 3] });

// ---------- probe turn to a closed loopback UDP port ----------
if (wantAny('probe-closed', 'probe-icmp')) {
  log('# probe');
  const port = await closedUdpPort();
  const netMs = await icmpRefusalMs(port);
  const argv = [bin, 'probe', 'turn', `127.0.0.1:${port}`, '--transport', 'udp', '--timeout', '3', '--format', 'json'];
  const r = alternate([NODE, argv], nodeStart, SMALL_RUNS, { ours: { okStatus: [0, 1, 3] } });
  const oursMs = medianOf(r.ours);
  const baseMs = medianOf(r.base);
  row({
    id: 'probe-closed',
    command: '`probe turn` to a closed loopback UDP port (includes network time)',
    oursMs,
    baseMs,
    baseline: '`node -e 0`',
    goal: `≤ 2.5x + network (${fmtMs(netMs)})`,
    met: oursMs <= 2.5 * baseMs + netMs,
    note: `network time = one datagram to the port until its ICMP port unreachable, in-process`,
    runs: SMALL_RUNS,
  });
  // The decision itself: the report's own duration (from the start of the diagnosis to its end,
  // module loading excluded), and the TURN check's.
  const reports = r.ours.map(reportOf).filter(Boolean);
  const decideMs = reports.length ? median(reports.map((p) => p.durationMs)) : undefined;
  const checkMs = reports.length
    ? median(reports.map((p) => p.checks?.find((c) => c.id === 'turn.allocate')?.durationMs ?? NaN))
    : undefined;
  const outcome = reports[0]?.findings?.find((f) => f.check === 'turn.allocate');
  const probeOutcome = outcome?.evidence?.find((e) => e.kind === 'turn-probe')?.outcome;
  row({
    id: 'probe-icmp',
    command: '`probe turn` to a UDP port answering ICMP port unreachable: time to decide',
    oursMs: decideMs,
    baseMs: undefined,
    baseline: 'today 2.5 s',
    goal: '≤ 100 ms ("at once")',
    met: decideMs === undefined ? undefined : decideMs <= 100,
    note: `report durationMs; turn.allocate ${fmtMs(checkMs)}; verdict ${outcome ? `${outcome.code} ${outcome.status}` : '?'}${probeOutcome ? `, probe outcome ${probeOutcome}` : ''}`,
    runs: SMALL_RUNS,
  });
}

// ---------- large inputs, built once into the cache ----------
mkdirSync(cache, { recursive: true });
function cached(name, build) {
  const file = join(cache, name);
  if (existsSync(file)) return { file, bytes: statSync(file).size, cachedAlready: true };
  const part = `${file}.part`;
  const t0 = performance.now();
  const info = build(part);
  renameSync(part, file);
  const ms = performance.now() - t0;
  notes.push(`built ${name} (${(info.bytes / 2 ** 20).toFixed(0)} MiB) in ${fmtMs(ms)}`);
  log(`  built ${file} in ${fmtMs(ms)}`);
  return { file, bytes: info.bytes, ...info };
}

/** `tshark -r F -Y stun` prints one line per matching frame. */
const lineCount = (buf) => {
  let n = 0;
  for (let i = 0; i < buf.length; i += 1) if (buf[i] === 10) n += 1;
  return n;
};

const captureSizes = (process.env.BENCH_CAPTURE_MB ?? '64,256').split(',').map(Number);
if (wantAny(...captureSizes.map((mb) => `capture-${mb}`))) {
  const tshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' });
  if (tshark.error) notes.push('capture rows skipped: tshark is not installed');
  else {
    let sources;
    for (const [i, mb] of captureSizes.entries()) {
      const id = `capture-${mb}`;
      if (!want(id)) continue;
      log(`# ${id}`);
      const name = `stun-${mb}mb.pcap`;
      const input = cached(name, (f) => buildCapture(f, mb * 2 ** 20, (sources ??= loadCaptureSources(join(root, 'fixtures/stun')))));
      warmPageCache(input.file);
      const r = alternate(
        [NODE, [bin, 'triage', input.file, '--format', 'json', ...BIG_TIMEOUT]],
        ['tshark', ['-r', input.file, '-Y', 'stun']],
        LARGE_RUNS,
        {
          ours: { rss: true, okStatus: [0, 1, 3] },
          base: { rss: true },
          warmup: false,
        },
      );
      const oursMs = medianOf(r.ours);
      const baseMs = medianOf(r.base);
      const rss = maxOf(r.ours, 'rssMb');
      const report = reportOf(r.ours[0]);
      const counts = report?.findings?.flatMap((f) => f.evidence ?? []).find((e) => e.kind === 'stun-capture-counts');
      const ourFrames = counts?.stunFrames;
      const tsharkFrames = lineCount(r.base[0].stdout);
      const factor = i === 0 ? 5 : 15;
      const fast = baseMs / oursMs >= factor;
      row({
        id,
        command: `\`triage\` of a ${(input.bytes / 2 ** 20).toFixed(0)} MiB capture`,
        oursMs,
        baseMs,
        baseline: '`tshark -r F -Y stun`',
        goal: `≥ ${factor}x faster, RSS < 150 MB, counts equal`,
        met: fast && rss !== undefined && rss < 150 && ourFrames === tsharkFrames,
        rssMb: rss,
        baseRssMb: maxOf(r.base, 'rssMb'),
        note: `${(baseMs / oursMs).toFixed(1)}x faster; STUN frames: ours ${ourFrames ?? '?'}, tshark ${tsharkFrames}${counts ? ` (${counts.stunMessages} messages in ${counts.packets} packets)` : ''}`,
        runs: LARGE_RUNS,
      });
    }
  }
}

if (wantAny('logs-sparse', 'logs-dense')) {
  const { ANCHORS } = await import(join(root, 'packages/cms/dist/index.js'));
  const ere = ANCHORS.map((a) => a.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&')).join('|');
  let lines;
  for (const spec of [
    { id: 'logs-sparse', mb: Number(process.env.BENCH_LOG_MB ?? 300), every: 1000, factor: 2.5, what: 'about 1 line in 1,000 matching' },
    { id: 'logs-dense', mb: Number(process.env.BENCH_DENSE_LOG_MB ?? 100), every: 3, factor: 3, what: '1 line in 3 matching' },
  ]) {
    if (!want(spec.id)) continue;
    log(`# ${spec.id}`);
    lines ??= loadLogLines(join(root, 'fixtures/cms/logs'), ANCHORS);
    const input = cached(`cms-syslog-${spec.mb}mb-1in${spec.every}.log`, (f) => buildLog(f, spec.mb * 2 ** 20, lines, spec.every));
    warmPageCache(input.file);
    const r = alternate(
      [NODE, [bin, 'triage', input.file, '--format', 'json', ...BIG_TIMEOUT]],
      ['grep', ['-cE', ere, input.file]],
      LARGE_RUNS,
      {
        ours: { rss: true, okStatus: [0, 1, 3] },
        base: { rss: true, env: { LC_ALL: 'C' } },
        warmup: false,
      },
    );
    const oursMs = medianOf(r.ours);
    const baseMs = medianOf(r.base);
    const rss = maxOf(r.ours, 'rssMb');
    const report = reportOf(r.ours[0]);
    const scan = report?.findings?.flatMap((f) => f.evidence ?? []).find((e) => e.kind === 'log-scan');
    const logCheck = report?.checks?.find((c) => c.id === 'cms.logs');
    row({
      id: spec.id,
      command: `\`triage\` of a ${(input.bytes / 2 ** 20).toFixed(0)} MiB CMS log, ${spec.what}`,
      oursMs,
      baseMs,
      baseline: `\`LC_ALL=C grep -cE\` (${ANCHORS.length} anchors)`,
      goal: `≤ ${spec.factor}x, RSS < 200 MB`,
      met: oursMs <= spec.factor * baseMs && rss !== undefined && rss < 200 && logCheck?.status !== 'error',
      rssMb: rss,
      baseRssMb: maxOf(r.base, 'rssMb'),
      note: `grep counts ${r.base[0].stdout.toString().trim()} lines; cms.logs ${logCheck?.status ?? '?'}${scan?.lines ? `, ${scan.lines} lines scanned` : ''}`,
      runs: LARGE_RUNS,
    });
  }
}

// ---------- run against the healthy lab ----------
if (want('run-healthy')) {
  log('# run-healthy');
  const dir = mkdtempSync(join(tmpdir(), 'cms-doctor-bench-lab-'));
  const lab = await startLabProcess(bin, dir);
  try {
    const listed = JSON.parse(runOnce(NODE, [bin, 'checks', '--format', 'json']).stdout.toString());
    const afterById = new Map(listed.checks.map((c) => [c.id, c.after ?? []]));
    const r = alternate([NODE, [bin, 'run', '--config', lab.configPath, '--format', 'json']], nodeStart, SMALL_RUNS, {
      ours: { okStatus: [0, 1, 3] },
    });
    const oursMs = medianOf(r.ours);
    const start = medianOf(r.base);
    const reports = r.ours.map(reportOf).filter(Boolean);
    const critical = median(reports.map((p) => criticalPathMs(p.checks ?? [], afterById)));
    const fails = reports[0]?.summary?.fail;
    row({
      id: 'run-healthy',
      command: '`run` against the healthy lab',
      oursMs,
      baseMs: critical + start,
      baseline: `critical path ${fmtMs(critical)} + \`node -e 0\` ${fmtMs(start)}`,
      goal: '≤ 1.3x',
      met: oursMs <= 1.3 * (critical + start),
      note: `report durationMs ${fmtMs(median(reports.map((p) => p.durationMs)))}; ${fails ?? '?'} failing`,
      runs: SMALL_RUNS,
    });
  } finally {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------- demo --tour: once, it is long ----------
if (want('tour')) {
  log('# tour');
  const r = runOnce(NODE, [bin, 'demo', '--tour'], { okStatus: [0, 1, 3] });
  // Rows of the tour's table: `<scenario> <exit> <n> ms ...`.
  const times = [...r.stdout.toString().matchAll(/^(\S+)\s+\d+\s+(\d+) ms/gm)].map((m) => ({ scenario: m[1], ms: Number(m[2]) }));
  const faults = times.filter((t) => t.scenario.startsWith('fault-'));
  const slowest = faults.length ? faults.reduce((a, b) => (b.ms > a.ms ? b : a)) : undefined;
  row({
    id: 'tour',
    command: `\`demo --tour\` (${times.length} scenarios)`,
    oursMs: r.ms,
    baseMs: undefined,
    baseline: '—',
    goal: 'no fault scenario ≥ 5 s',
    met: slowest ? slowest.ms < 5000 : undefined,
    note: slowest
      ? `slowest fault scenario ${slowest.scenario} ${fmtMs(slowest.ms)}; fault scenarios ${faults.map((f) => fmtMs(f.ms)).join(', ')}`
      : 'no scenario times found in the tour output',
    runs: 1,
  });
}

// ---------- the table ----------
const out = [];
out.push(
  `cms-doctor whole-process bench — node ${process.version}, ${cpus().length} CPU(s), peak RSS via ${rssMethod === 'time' ? '/usr/bin/time -v' : 'VmHWM preload'}, cache ${cache}`,
  '',
  '| command | ours (median) | baseline | baseline (median) | ratio | goal | met | peak RSS ours / baseline | runs | note |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
);
for (const r of rows) {
  const ratio = r.oursMs !== undefined && r.baseMs ? `${(r.oursMs / r.baseMs).toFixed(2)}x` : '—';
  const rss = r.rssMb === undefined && r.baseRssMb === undefined ? '—' : `${fmtMb(r.rssMb)} / ${fmtMb(r.baseRssMb)}`;
  const met = r.met === undefined ? '?' : r.met ? 'yes' : 'NO';
  out.push(
    `| ${r.command} | ${fmtMs(r.oursMs)} | ${r.baseline} | ${fmtMs(r.baseMs)} | ${ratio} | ${r.goal} | ${met} | ${rss} | ${r.runs} | ${r.note ?? ''} |`,
  );
}
out.push('', ...notes.map((n) => `- ${n}`));
const cachedInputs = existsSync(cache) ? readdirSync(cache).filter((f) => !f.endsWith('.part')) : [];
if (cachedInputs.length) out.push(`- inputs kept in ${cache}: ${cachedInputs.join(', ')} (delete the folder to rebuild)`);
out.push(`- capture sources: ${CAPTURE_SOURCES.join(', ')}`);
console.log(out.join('\n'));
if (process.env.BENCH_JSON) {
  writeFileSync(
    process.env.BENCH_JSON,
    JSON.stringify({ node: process.version, cpus: cpus().length, rssMethod, rows, notes }, null, 2) + '\n',
  );
}

// ---------- optional: the in-process benches ----------
let failed = 0;
if (inProcess) {
  const dir = join(root, 'bench/in-process');
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.mjs'))
    .sort()) {
    log(`# in-process ${name}`);
    const r = spawnSync(NODE, ['--expose-gc', join(dir, name)], { stdio: 'inherit' });
    if (r.status !== 0) failed += 1;
  }
}
process.exitCode = failed ? 1 : 0;
