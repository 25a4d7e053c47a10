#!/usr/bin/env node
// A shim: the CLI lives in @cms-doctor/doctor, bundled by `npm run build` into
// packages/doctor/bundle (docs/decisions/cli-bundle.md); without the bundle it runs from dist.
// `--version`, and `--help` and `checks` as rendered at build time, answer without loading it.
const args = process.argv.slice(2);
const fromBundle = (file, fallback) =>
  import(`../packages/doctor/bundle/${file}`).catch((e) =>
    e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(`bundle/${file}`) ? fallback() : Promise.reject(e),
  );
if (args.length === 1 && args[0] === '--version') {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../packages/doctor/package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  const none = async () => undefined;
  const { renderedHelp, renderedChecks } = await fromBundle('help.js', () => ({ renderedHelp: none, renderedChecks: none }));
  const rendered = (await renderedHelp(args, process.stdout.columns)) ?? (await renderedChecks(args));
  if (rendered !== undefined) process.stdout.write(rendered);
  else {
    const { main } = await fromBundle('cli.js', () => import('../packages/doctor/dist/cli.js'));
    process.exitCode = await main(args);
  }
}
