// Benchmark: `run --inventory` over N lab deployments (N = 1, 10, 50 by default).
// Baseline = the same run over one deployment; ratio = time(50) / time(1). With bounded
// concurrency (--concurrency, default 4) time should grow about linearly in N / 4.
// Build first: npx tsc -b
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startLab } from '../../packages/lab/dist/index.js';
import { main } from '../../packages/doctor/dist/cli.js';

const COUNTS = (process.env.COUNTS ?? '1,10,50').split(',').map(Number);
const max = Math.max(...COUNTS);
const dir = await mkdtemp(join(tmpdir(), 'cms-doctor-bench-inv-'));
const labs = [];
for (let i = 0; i < max; i++) labs.push(await startLab({ scenario: 'healthy', dir: join(dir, `lab${i}`) }));
const quiet = {
  stdout: () => undefined,
  stderr: () => undefined,
  env: {},
  stdoutTty: false,
  stderrTty: false,
  stdinTty: false,
  prompt: async () => '',
  cwd: dir,
};
const points = [];
for (const n of COUNTS) {
  const fleet = join(dir, `fleet-${n}.yaml`);
  await writeFile(fleet, stringify(labs.slice(0, n).map((l, i) => ({ name: `lab${i}`, ...l.config }))));
  const t0 = performance.now();
  const exit = await main(['run', '--inventory', fleet, '--format', 'json', '--timeout', '30'], quiet);
  points.push({ n, ms: Math.round(performance.now() - t0), exit });
}
await Promise.all(labs.map((l) => l.close()));
await rm(dir, { recursive: true, force: true });
const base = points.find((p) => p.n === Math.min(...COUNTS));
const top = points.find((p) => p.n === max);
console.log(
  JSON.stringify({
    bench: 'run-inventory',
    ratio: Number((top.ms / Math.max(1, base.ms)).toFixed(2)),
    perDeploymentMs: Math.round(top.ms / max),
    points,
  }),
);
