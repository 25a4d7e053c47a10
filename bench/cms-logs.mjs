// Benchmark: the CMS streaming signature scan (packages/cms scanFile) against `grep -E`
// with the same signature anchors, on a CMS syslog built by repeating real lines with
// varied call numbers. Size: BENCH_LOG_MB (default 1024). Build first: npx tsc -b packages/cms
import { createWriteStream, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'packages/cms/dist/index.js');
const { ANCHORS } = await import(dist);
const MB = Number(process.env.BENCH_LOG_MB ?? 1024);

// Real lines: a healthy WebRTC join/leave (TAC 221729), the source document's failing call
// and the TAC 210800 web bridge/credential lines, rendered as CMS syslog.
const real = [
  ...readFileSync(join(root, 'fixtures/cms/logs/cms-core-syslog_tac221729_webrtc-join.txt'), 'utf8').split('\n'),
  ...readFileSync(join(root, 'fixtures/cms/logs/cms-core-syslog_tac221729_webrtc-leave.txt'), 'utf8').split('\n'),
  ...readFileSync(join(root, 'fixtures/cms/logs/doc-troubleshoot4-eventlog.txt'), 'utf8').split('\n').map((l) => l.split('\t').slice(3).join('\t')).map((m) => `May 20 19:43:14.133 user.info proxyWebRTC host:server: INFO : ${m}`),
  ...readFileSync(join(root, 'fixtures/cms/logs/cms-webadmin-eventlog_tac210800.txt'), 'utf8').split('\n').map((l) => l.split('\t').at(-1)).map((m) => `Apr 15 10:34:56.536 user.warning cms1 host:server: WARNING : ${m}`),
].filter((l) => l && l.trim() !== '' && !l.endsWith(': '));
const block = real.join('\n') + '\n';

const dir = mkdtempSync(join(tmpdir(), 'cms-bench-'));
const file = join(dir, 'cms-syslog.log');
try {
  const out = createWriteStream(file, { highWaterMark: 4 << 20 });
  const target = MB * 1024 * 1024;
  let written = 0;
  let call = 0;
  while (written < target) {
    const parts = [];
    for (let i = 0; i < 2000; i += 1) {
      call += 1;
      parts.push(block.replace(/call (\d+):/g, () => `call ${call}:`).replace(/request (\d+)/g, () => `request ${call}`));
    }
    const chunk = parts.join('');
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');

  // The same signature set for grep: every anchor as a fixed alternative (ERE-escaped).
  const ere = ANCHORS.map((a) => a.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&')).join('|');
  const timed = (cmd, args) => {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} failed: ${r.stderr}`);
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, out: r.stdout };
  };
  timed('grep', ['-c', '-E', ere, file]); // warm the page cache for both
  const grep = timed('grep', ['-c', '-E', ere, file]);
  const scanScript = `
    const { scanFile } = await import(${JSON.stringify(dist)});
    const r = await scanFile(${JSON.stringify(file)});
    console.log(JSON.stringify({ lines: r.lines, aggregates: r.aggregates.map((a) => [a.signature.id, a.count]), evictedCalls: r.evictedCalls, maxRssKiB: process.resourceUsage().maxRSS }));`;
  const ours = timed(process.execPath, ['--input-type=module', '-e', scanScript]);
  const res = JSON.parse(ours.out);
  console.log(JSON.stringify({
    bench: 'cms-logs',
    ratio: Number((ours.ms / grep.ms).toFixed(2)),
    sizeMB: Math.round(written / 1048576),
    oursMs: Math.round(ours.ms),
    grepMs: Math.round(grep.ms),
    grepMatchedLines: Number(grep.out.trim()),
    lines: res.lines,
    findings: res.aggregates,
    evictedCalls: res.evictedCalls,
    peakRssMB: Math.round(res.maxRssKiB / 1024),
    target: { ratio: 3, peakRssMB: 200 },
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
