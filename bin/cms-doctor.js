#!/usr/bin/env node
// A shim: the CLI lives in @cms-doctor/doctor. `--version` answers without loading it.
if (process.argv.length === 3 && process.argv[2] === '--version') {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../packages/doctor/package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  // `checks` and `explain <name>` answer without the argument parser; anything else, or a
  // failure there, goes through the full CLI.
  const args = process.argv.slice(2);
  let code;
  if (args[0] === 'checks' || args[0] === 'explain') {
    const [{ fastPath }, { processIo }] = await Promise.all([
      import('../packages/doctor/dist/fast-path.js'),
      import('../packages/doctor/dist/io.js'),
    ]);
    code = await fastPath(args, processIo());
  }
  if (code === undefined) {
    const { main } = await import('../packages/doctor/dist/cli.js');
    code = await main(args);
  }
  process.exitCode = code;
}
