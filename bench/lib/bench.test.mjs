// Checks of the bench's own parts: `node --test bench/lib/` (not part of vitest: bench/ is plain JS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCapture, loadCaptureSources } from './capture-build.mjs';
import { buildLog, loadLogLines } from './log-build.mjs';
import { criticalPathMs } from './lab.mjs';
import { median } from './measure.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const has = (cmd) => !spawnSync(cmd, ['--version'], { stdio: 'ignore' }).error;
const dir = mkdtempSync(join(tmpdir(), 'cms-doctor-bench-test-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('median of odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('critical path follows the after edges, not the sum', () => {
  const after = new Map([
    ['a', []],
    ['b', ['a']],
    ['c', ['a']],
    ['d', ['b', 'c', 'missing']],
  ]);
  const checks = [
    { id: 'a', durationMs: 10 },
    { id: 'b', durationMs: 100 },
    { id: 'c', durationMs: 5 },
    { id: 'd', durationMs: 1 },
  ];
  assert.equal(criticalPathMs(checks, after), 111);
});

test('the capture is a valid pcap whose timestamps increase, in whole copies', { skip: !has('tshark') && 'tshark not installed' }, () => {
  const src = loadCaptureSources(join(root, 'fixtures/stun'));
  const file = join(dir, 'c.pcap');
  const { copies } = buildCapture(file, 25, src); // the header and one copy
  const built = buildCapture(join(dir, 'c2.pcap'), readFileSync(file).length + 1, src); // two copies
  assert.equal(copies, 1);
  assert.equal(built.copies, 2);
  const r = spawnSync('tshark', ['-r', join(dir, 'c2.pcap'), '-T', 'fields', '-e', 'frame.time_epoch'], { encoding: 'utf8' });
  const times = r.stdout.trim().split('\n').map(Number);
  assert.equal(times.length, 2 * src.packets.length);
  for (let i = 1; i < times.length; i += 1) assert.ok(times[i] >= times[i - 1], `frame ${i + 1} goes back in time`);
  // A repeated copy is not a TCP retransmission: twice the STUN frames of one copy.
  const stun = (f) => spawnSync('tshark', ['-r', f, '-Y', 'stun'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;
  assert.equal(stun(join(dir, 'c2.pcap')), 2 * stun(file));
});

test('the sparse log has one anchor line in every 1,000 and grep agrees', { skip: !has('grep') && 'grep not installed' }, async () => {
  const { ANCHORS } = await import(join(root, 'packages/cms/dist/index.js'));
  const lines = loadLogLines(join(root, 'fixtures/cms/logs'), ANCHORS);
  const file = join(dir, 'l.log');
  const built = buildLog(file, 2 ** 20, lines, 1000);
  assert.equal(built.matching, Math.floor(built.lines / 1000));
  const ere = ANCHORS.map((a) => a.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&')).join('|');
  const grep = spawnSync('grep', ['-ciE', ere, file], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  assert.equal(Number(grep.stdout.trim()), built.matching);
  const text = readFileSync(file, 'utf8').split('\n');
  assert.match(text[0], /^Jan {2}1 00:00:00\.007 /);
});
