// Capture analysis vs `tshark -r FILE -Y stun` on a large capture built by repeating the real
// nDPI/zeek captures' packets (pcap, Ethernet). Prints speed ratio and peak memory.
// Needs `npx tsc -b packages/turn`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, writeSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseCapture, readCapture } from '../packages/turn/dist/index.js';

const FIX = new URL('../fixtures/stun/', import.meta.url).pathname;
const sources = ['nDPI_stun.pcap', 'nDPI_stun_signal.pcapng', 'nDPI_stun_dtls_rtp.pcapng', 'zeek-spicy-stun_stun-ice-testcall.pcap', 'nDPI_teams.pcap'];
const targetBytes = Number(process.env.BENCH_CAPTURE_MB ?? 64) * 2 ** 20;
const dir = mkdtempSync(join(tmpdir(), 'cmsd-bench-'));
const file = join(dir, 'big.pcap');

// Only Ethernet packets are copied, so one classic pcap header fits all.
const packets = [];
for (const s of sources) for await (const p of readCapture(join(FIX, s))) if (p.linkType === 1) packets.push(Buffer.from(p.data));
const fd = openSync(file, 'w');
const g = Buffer.alloc(24);
g.writeUInt32LE(0xa1b2c3d4, 0); g.writeUInt16LE(2, 4); g.writeUInt16LE(4, 6); g.writeUInt32LE(262144, 16); g.writeUInt32LE(1, 20);
writeSync(fd, g);
let written = 24;
let copies = 0;
while (written < targetBytes) {
  const recs = [];
  for (const p of packets) {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(1700000000 + copies, 0); h.writeUInt32LE(0, 4); h.writeUInt32LE(p.length, 8); h.writeUInt32LE(p.length, 12);
    recs.push(h, p);
  }
  const chunk = Buffer.concat(recs);
  writeSync(fd, chunk);
  written += chunk.length;
  copies++;
}
closeSync(fd);
packets.length = 0;

// Warm the JIT on the real captures first, as a long-running tool would be.
for (const s of sources) await analyseCapture(join(FIX, s));
const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 20);
const t0 = performance.now();
const a = await analyseCapture(file);
const oursMs = performance.now() - t0;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

const t1 = performance.now();
const out = execFileSync('tshark', ['-r', file, '-Y', 'stun'], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
const tsharkMs = performance.now() - t1;
let tsharkFrames = 0;
for (let i = 0; i < out.length; i++) if (out[i] === 10) tsharkFrames++;
if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true }); else console.error(file);
console.log(JSON.stringify({
  bench: 'turn-capture',
  ratio: Math.round((tsharkMs / oursMs) * 10) / 10,
  fileMB: Math.round(written / 2 ** 20),
  packets: a.counts.packets,
  stunFrames: a.counts.stunFrames,
  tsharkFrames,
  agree: a.counts.stunFrames === tsharkFrames,
  oursMs: Math.round(oursMs),
  tsharkMs: Math.round(tsharkMs),
  oursMBps: Math.round((written / 2 ** 20 / (oursMs / 1000)) * 10) / 10,
  rssGrowthMB: Math.round(((peakRss - rssBefore) / 2 ** 20) * 10) / 10,
}));
