#!/usr/bin/env node
// Runs every benchmark in this folder, one after another; each prints JSON lines with its ratio.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
let failed = 0;
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith('.mjs'))
  .sort()) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  process.stderr.write(`# ${name}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', `${dir}/${name}`], { stdio: 'inherit' });
  if (r.status !== 0) failed += 1;
}
process.exitCode = failed ? 1 : 0;
