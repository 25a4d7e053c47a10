// Capture analysis vs `tshark -r FILE -Y stun` on large captures built by repeating the real
// nDPI/zeek captures (pcap, Ethernet), at two sizes to show memory flat in file size.
// Needs `npx tsc -b packages/turn`. Prints one JSON line.
//
// Each repetition shifts the timestamps and the TCP sequence/acknowledgement numbers, so that a
// repeated TCP conversation is a new conversation, not a retransmission: repeated verbatim,
// tshark (and any reassembler) drops the second copy's TCP payloads as retransmissions and the
// two counts cannot be compared. UDP needs no rewriting.
//
// Timing: the page cache is warmed before either side runs; each side runs BENCH_RUNS times and
// the best run counts (the machine is shared). `oursMs` is the analysis with the JIT warm (as in
// a long-running process); `coldMs` is the first analysis in a fresh Node process.
// Memory: in a fresh process per size, `memGrowthMb` is peak RSS during the analysis minus RSS
// before it (includes garbage not yet collected and the JIT's code), `retainedMb` the heap the
// analysis still holds after a forced GC. Flat in file size means both stay put as the file grows.
import { execFileSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = new URL('../packages/turn/dist/index.js', import.meta.url);
const FIX = fileURLToPath(new URL('../fixtures/stun/', import.meta.url));
const sources = [
  'nDPI_stun.pcap',
  'nDPI_stun_signal.pcapng',
  'nDPI_stun_dtls_rtp.pcapng',
  'zeek-spicy-stun_stun-ice-testcall.pcap',
  'nDPI_teams.pcap',
];
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const mb = (bytes) => bytes / 2 ** 20;

// ---- child: one measurement in a fresh process ----
if (process.argv[2] === '--measure') {
  const [, , , file, runsArg] = process.argv;
  const { analyseCapture } = await import(dist);
  globalThis.gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  // Sampled, not ru_maxrss: that survives execve, so it would report the parent's peak.
  // The analysis awaits once per 4 MiB chunk, so the sampler runs throughout.
  let peakRss = rssBefore;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 2);
  const t0 = performance.now();
  const a = await analyseCapture(file);
  const coldMs = performance.now() - t0;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  // What the analysis keeps (its result included) once garbage is collected: the state that
  // would grow with the file if anything were unbounded.
  globalThis.gc();
  const retainedMb = mb(process.memoryUsage().heapUsed - heapBefore);
  let best = Infinity;
  for (let i = 0; i < Number(runsArg); i++) {
    const t = performance.now();
    await analyseCapture(file);
    best = Math.min(best, performance.now() - t);
  }
  console.log(JSON.stringify({ coldMs, warmMs: best, memGrowthMb: mb(peakRss - rssBefore), retainedMb, counts: a.counts, error: a.error }));
  process.exit(0);
}

// ---- building the capture ----
const { readCapture } = await import(dist);
// Forward by 2^28 per copy (under 2^31, so sequence arithmetic reads it as ahead, not behind);
// each source conversation carries far less than 2^28 bytes, so copies never overlap.
const TCP_SEQ_STEP = 0x10000000;

/** Offset of the TCP header in an Ethernet frame (VLAN tags, IPv4 options, plain IPv6), or -1. */
function tcpOffset(d) {
  let at = 12;
  let type = d.readUInt16BE(at);
  while (type === 0x8100 || type === 0x88a8) {
    at += 4;
    type = d.readUInt16BE(at);
  }
  at += 2;
  if (type === 0x0800 && d.length >= at + 20 && d[at + 9] === 6 && (d.readUInt16BE(at + 6) & 0x1fff) === 0) return at + (d[at] & 0x0f) * 4;
  if (type === 0x86dd && d.length >= at + 40 && d[at + 6] === 6) return at + 40;
  return -1;
}

/**
 * The Ethernet packets of the sources with times relative to the copy's start. Some nDPI files
 * are merges of captures years apart: gaps over a minute between packets shrink to a second.
 */
async function loadSources() {
  const packets = [];
  let rel = 0;
  for (const s of sources) {
    let prev;
    for await (const p of readCapture(join(FIX, s))) {
      if (p.linkType !== 1) continue;
      const gap = prev === undefined ? 1 : p.time - prev;
      rel += gap >= 0 && gap <= 60 ? gap : 1;
      prev = p.time;
      const data = Buffer.from(p.data);
      const tcp = data.length >= 34 ? tcpOffset(data) : -1;
      packets.push({ data, rel, tcp: tcp >= 0 && data.length >= tcp + 20 ? tcp : -1 });
    }
  }
  return { packets, period: Math.ceil(rel) + 1 };
}

function build(file, targetBytes, { packets, period }) {
  const fd = openSync(file, 'w');
  const g = Buffer.alloc(24);
  g.writeUInt32LE(0xa1b2c3d4, 0);
  g.writeUInt16LE(2, 4);
  g.writeUInt16LE(4, 6);
  g.writeUInt32LE(262144, 16);
  g.writeUInt32LE(1, 20);
  writeSync(fd, g);
  let written = 24;
  let copies = 0;
  while (written < targetBytes) {
    const recs = [];
    const shift = (copies * TCP_SEQ_STEP) >>> 0;
    for (const p of packets) {
      const t = 1_700_000_000 + copies * period + p.rel;
      const h = Buffer.alloc(16);
      h.writeUInt32LE(Math.floor(t), 0);
      h.writeUInt32LE(Math.round((t % 1) * 1e6) % 1_000_000, 4);
      h.writeUInt32LE(p.data.length, 8);
      h.writeUInt32LE(p.data.length, 12);
      let d = p.data;
      if (p.tcp >= 0 && copies > 0) {
        d = Buffer.from(d);
        d.writeUInt32BE((d.readUInt32BE(p.tcp + 4) + shift) >>> 0, p.tcp + 4);
        if (d[p.tcp + 13] & 0x10) d.writeUInt32BE((d.readUInt32BE(p.tcp + 8) + shift) >>> 0, p.tcp + 8);
      }
      recs.push(h, d);
    }
    const chunk = Buffer.concat(recs);
    writeSync(fd, chunk);
    written += chunk.length;
    copies++;
  }
  fsyncSync(fd); // no writeback competing with the measurements
  closeSync(fd);
  return { bytes: written, copies };
}

// ---- measuring ----
/** Reads the file once through a small buffer so both sides find it in the page cache. */
function warmPageCache(file) {
  const fd = openSync(file, 'r');
  const b = Buffer.allocUnsafe(1 << 20);
  while (readSync(fd, b, 0, b.length, null) > 0);
  closeSync(fd);
}
const tshark = (args) => execFileSync('tshark', args, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
const lines = (out) => {
  let n = 0;
  for (let i = 0; i < out.length; i++) if (out[i] === 10) n++;
  return n;
};

const sizes = (process.env.BENCH_CAPTURE_MB ?? '64,256').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'cmsd-bench-'));
const results = [];
try {
  const src = await loadSources();
  for (const size of sizes) {
    const file = join(dir, `big-${size}.pcap`);
    const { bytes, copies } = build(file, size * 2 ** 20, src);
    warmPageCache(file);
    const child = JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--measure', file, String(runs)], {
        encoding: 'utf8',
      }),
    );
    let tsharkMs = Infinity;
    let tsharkFrames = 0;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const out = tshark(['-r', file, '-Y', 'stun']);
      tsharkMs = Math.min(tsharkMs, performance.now() - t);
      tsharkFrames = lines(out);
    }
    const tsharkMessages = tshark(['-r', file, '-Y', 'stun', '-T', 'fields', '-e', 'stun.type'])
      .toString()
      .split(/[\n,]/)
      .filter((s) => s.trim() !== '').length;
    const c = child.counts;
    results.push({
      sizeMb: round(mb(bytes)),
      copies,
      packets: c.packets,
      oursMs: round(child.warmMs),
      coldMs: round(child.coldMs),
      tsharkMs: round(tsharkMs),
      ratio: round(tsharkMs / child.warmMs),
      coldRatio: round(tsharkMs / child.coldMs),
      memGrowthMb: round(child.memGrowthMb),
      retainedMb: round(child.retainedMb, 2),
      stunFrames: c.stunFrames,
      tsharkFrames,
      stunMessages: c.stunMessages,
      tsharkMessages,
      agree: c.stunFrames === tsharkFrames && c.stunMessages === tsharkMessages && child.error === undefined,
    });
    if (!process.env.KEEP) rmSync(file, { force: true });
    else console.error(file);
  }
} finally {
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
}
const big = results[results.length - 1];
console.log(
  JSON.stringify({
    bench: 'turn-capture',
    ratio: Math.min(...results.map((r) => r.ratio)),
    coldRatio: Math.min(...results.map((r) => r.coldRatio)),
    oursMs: big.oursMs,
    coldMs: big.coldMs,
    tsharkMs: big.tsharkMs,
    sizeMb: big.sizeMb,
    memGrowthMb: Object.fromEntries(results.map((r) => [r.sizeMb, r.memGrowthMb])),
    retainedMb: Object.fromEntries(results.map((r) => [r.sizeMb, r.retainedMb])),
    agree: results.every((r) => r.agree),
    sizes: results,
  }),
);
