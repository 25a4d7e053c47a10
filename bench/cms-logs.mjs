// Benchmark: the CMS streaming signature scan (packages/cms scanFile, in a fresh node
// process, node startup and loading the scanner module included) against `grep -E` with the same
// signature set, on a CMS syslog built by repeating real lines with varied call numbers.
// Size: BENCH_LOG_MB (default 1024). Build first: npx tsc -b packages/cms
//
// The grep baseline: every signature's RegExp translated to POSIX ERE (named groups
// become plain groups, \d \s \S \w become bracket classes, case-insensitive patterns
// spell both cases, lookarounds are dropped so grep matches a superset), run as
// `LC_ALL=C grep -c -E` (bytes, like our latin1 view; in a UTF-8 locale GNU grep is
// much slower on the case-spelled classes). A second grep with just the literal
// anchors (`ratioAnchors`) is the stricter, faster baseline. Each command runs twice
// after a warm-up read and the faster run counts, for both sides.
import { createWriteStream, readFileSync, rmSync, mkdtempSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'packages/cms/dist/index.js');
// The scan process loads the scanner module only and calls scanFile exactly as the
// cms.logs offline check does (a fresh LogScanner with the default limits, an abort
// signal); it leaves out what triage does around it (walking the bundle, reading each
// file's first 64 KiB to recognise it) and the package's REST client and XML parser,
// which importing all of dist/index.js would load (~0.3 s here).
const scanner = join(root, 'packages/cms/dist/logs/scanner.js');
const { SIGNATURES, ANCHORS } = await import(dist);
const MB = Number(process.env.BENCH_LOG_MB ?? 1024);

/** A JS RegExp as POSIX ERE for GNU grep (see the header). */
function toEre(re) {
  const src = re.source;
  const ci = re.flags.includes('i');
  const both = (c) => (/[a-z]/i.test(c) && ci ? `${c.toLowerCase()}${c.toUpperCase()}` : c);
  const CLASS = { d: '0-9', s: '[:space:]', w: '[:alnum:]_', n: '\n' };
  let out = '';
  for (let i = 0; i < src.length; i += 1) {
    const c = src[i];
    if (c === '\\') {
      const e = src[++i];
      if (e === 'd') out += '[0-9]';
      else if (e === 's') out += '[[:space:]]';
      else if (e === 'S') out += '[^[:space:]]';
      else if (e === 'w') out += '[[:alnum:]_]';
      else if (e === 'b') out += '\\b';
      else out += /[a-z]/i.test(e) ? (ci ? `[${both(e)}]` : e) : `\\${e}`;
    } else if (c === '[') {
      let cls = '[';
      i += 1;
      if (src[i] === '^') cls += src[i++];
      let only = '';
      for (; src[i] !== ']'; i += 1) {
        if (src[i] === '\\') {
          const e = src[++i];
          if (e === 'n') only += 'NL';
          else cls += CLASS[e] ?? (e === '-' ? '-' : e);
        } else cls += both(src[i]);
      }
      // [^\n] is any character on a line: '.' for grep.
      out += cls === '[^' && only === 'NL' ? '.' : `${cls}]`;
    } else if (c === '(' && src[i + 1] === '?') {
      if (src[i + 2] === ':') {
        out += '(';
        i += 2;
      } else if (src[i + 2] === '<' && /[A-Za-z]/.test(src[i + 3])) {
        out += '(';
        i = src.indexOf('>', i);
      } else {
        // A lookaround: skip it (balanced), grep matches a superset.
        let depth = 0;
        for (; i < src.length; i += 1) {
          if (src[i] === '\\') i += 1;
          else if (src[i] === '(') depth += 1;
          else if (src[i] === ')' && --depth === 0) break;
        }
      }
    } else if (c === '?' && src[i - 1] === '}') {
      // A lazy quantifier: same lines match.
    } else out += /[a-z]/i.test(c) && ci ? `[${both(c)}]` : c;
  }
  return out;
}

// Real lines: a healthy WebRTC join/leave (TAC 221729), the source document's failing call
// and the TAC 210800 web bridge/credential lines, rendered as CMS syslog.
const real = [
  ...readFileSync(join(root, 'fixtures/cms/logs/cms-core-syslog_tac221729_webrtc-join.txt'), 'utf8').split('\n'),
  ...readFileSync(join(root, 'fixtures/cms/logs/cms-core-syslog_tac221729_webrtc-leave.txt'), 'utf8').split('\n'),
  ...readFileSync(join(root, 'fixtures/cms/logs/doc-troubleshoot4-eventlog.txt'), 'utf8')
    .split('\n')
    .map((l) => l.split('\t').slice(3).join('\t'))
    .map((m) => `May 20 19:43:14.133 user.info proxyWebRTC host:server: INFO : ${m}`),
  ...readFileSync(join(root, 'fixtures/cms/logs/cms-webadmin-eventlog_tac210800.txt'), 'utf8')
    .split('\n')
    .map((l) => l.split('\t').at(-1))
    .map((m) => `Apr 15 10:34:56.536 user.warning cms1 host:server: WARNING : ${m}`),
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
  // Write the file out before timing: background writeback would steal CPU from whichever runs.
  const fd = openSync(file, 'r+');
  fsyncSync(fd);
  closeSync(fd);

  const ere = SIGNATURES.map((s) => toEre(s.pattern)).join('|');
  const anchors = ANCHORS.map((a) => a.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&')).join('|');
  const env = { ...process.env, LC_ALL: 'C' };
  const timed = (cmd, args) => {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 20, env });
    if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} failed: ${r.stderr}`);
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, out: r.stdout };
  };
  const best = (cmd, args) => [timed(cmd, args), timed(cmd, args)].sort((a, b) => a.ms - b.ms)[0];
  timed('grep', ['-c', '-E', anchors, file]); // warm the page cache for every run
  const grep = best('grep', ['-c', '-E', ere, file]);
  const grepAnchors = best('grep', ['-c', '-E', anchors, file]);
  const scanScript = `
    const t = process.hrtime.bigint();
    const { scanFile, LogScanner } = await import(${JSON.stringify(scanner)});
    // As the cms.logs offline check calls it (packages/cms/src/checks/offline.ts).
    const r = await scanFile(${JSON.stringify(file)}, new LogScanner(), new AbortController().signal);
    console.log(JSON.stringify({ innerMs: Number(process.hrtime.bigint() - t) / 1e6, lines: r.lines, aggregates: r.aggregates.map((a) => [a.signature.id, a.count]), evictedCalls: r.evictedCalls, maxRssKiB: process.resourceUsage().maxRSS }));`;
  const ours = best(process.execPath, ['--input-type=module', '-e', scanScript]);
  const res = JSON.parse(ours.out);
  console.log(
    JSON.stringify({
      bench: 'cms-logs',
      ratio: Number((ours.ms / grep.ms).toFixed(2)),
      ratioAnchors: Number((ours.ms / grepAnchors.ms).toFixed(2)),
      sizeMb: Math.round(written / 1048576),
      scanMs: Math.round(ours.ms),
      scanInProcessMs: Math.round(res.innerMs),
      grepMs: Math.round(grep.ms),
      grepAnchorsMs: Math.round(grepAnchors.ms),
      peakRssMb: Math.round(res.maxRssKiB / 1024),
      grepMatchedLines: Number(grep.out.trim()),
      grepAnchorMatchedLines: Number(grepAnchors.out.trim()),
      lines: res.lines,
      findings: res.aggregates,
      evictedCalls: res.evictedCalls,
      locale: 'LC_ALL=C',
      target: { ratio: 3, peakRssMb: 200 },
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
