// The healthy lab as a user starts it: `cms-doctor lab --scenario healthy` in its own process,
// with the config written into a folder of ours so `run --config` can find it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Starts the lab and resolves once it says it is running; `stop()` ends it by its pid. */
export function startLabProcess(bin, dir, scenario = 'healthy') {
  const child = spawn(process.execPath, [bin, 'lab', '--scenario', scenario, '--dir', dir, '--for', '900'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGTERM');
  process.on('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`lab did not start within 60 s: ${out}${err}`));
    }, 60_000);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      if (!/is running/.test(out)) return;
      clearTimeout(timer);
      const printed = /config: ([^)\s]+)\)/.exec(out)?.[1];
      const configPath = printed ?? join(dir, 'cms-doctor.yaml');
      if (!existsSync(configPath)) reject(new Error(`lab printed no config file: ${out}`));
      else resolve({ configPath, stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lab exited ${code} before it was running: ${out}${err}`));
    });
  });
}

/**
 * The longest chain of check durations through the `after` edges (the critical path of a run):
 * no scheduler can finish the run faster than this, whatever it runs in parallel.
 */
export function criticalPathMs(reportChecks, afterById) {
  const dur = new Map(reportChecks.map((c) => [c.id, c.durationMs ?? 0]));
  const memo = new Map();
  const finish = (id) => {
    if (memo.has(id)) return memo.get(id);
    memo.set(id, 0); // a cycle counts once
    const deps = (afterById.get(id) ?? []).filter((d) => dur.has(d));
    const v = (dur.get(id) ?? 0) + Math.max(0, ...deps.map(finish));
    memo.set(id, v);
    return v;
  };
  return Math.max(0, ...reportChecks.map((c) => finish(c.id)));
}
