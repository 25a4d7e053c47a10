#!/usr/bin/env node
// A shim: the CLI lives in @cms-doctor/doctor. `--version` answers without loading it.
if (process.argv.length === 3 && process.argv[2] === '--version') {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../packages/doctor/package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  const { main } = await import('../packages/doctor/dist/cli.js');
  process.exitCode = await main(process.argv.slice(2));
}
