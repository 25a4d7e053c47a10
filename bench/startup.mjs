// Startup cost of the CLI against node's own start, in the same run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/cms-doctor.js', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 25);

function median(args) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const baseline = median(['-e', '0']);
for (const [name, args] of [
  ['version', [bin, '--version']],
  ['help', [bin, '--help']],
  ['explain', [bin, 'explain', 'turn-credentials']],
]) {
  const ms = median(args);
  console.log(
    JSON.stringify({
      bench: `startup-${name}`,
      baseline: 'node -e 0',
      baselineMs: +baseline.toFixed(1),
      ms: +ms.toFixed(1),
      ratio: +(ms / baseline).toFixed(2),
      target: name === 'version' ? 1.5 : undefined,
      runs,
    }),
  );
}
