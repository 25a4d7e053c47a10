#!/usr/bin/env node
// A shim: the CLI lives in @cms-doctor/doctor, bundled by `npm run build` into
// packages/doctor/bundle (docs/decisions/cli-bundle.md); without the bundle it runs from dist.
// `--version` answers without loading it.
if (process.argv.length === 3 && process.argv[2] === '--version') {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../packages/doctor/package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  const { main } = await import('../packages/doctor/bundle/cli.js').catch((e) =>
    e?.code === 'ERR_MODULE_NOT_FOUND' && /bundle[/\\]cli\.js/.test(String(e.message))
      ? import('../packages/doctor/dist/cli.js')
      : Promise.reject(e),
  );
  process.exitCode = await main(process.argv.slice(2));
}
