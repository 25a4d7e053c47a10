#!/usr/bin/env node
// `npm run build` (after tsc -b): the CLI bundled with lazy chunks into packages/doctor/bundle,
// which bin/cms-doctor.js runs: `cli.js`, and `help.js`, which prints what this script renders
// at the end (`--help`, `checks`) without loading the CLI. Only the workspace code is bundled (the packages stay importable
// one by one from dist for scripts); npm dependencies stay external, loaded from node_modules
// when first used. Why, and what it measured: docs/decisions/cli-bundle.md. Writes modules.json
// beside the bundle: each chunk with the dist modules it holds, so tests can tell which of our
// modules a run loaded.
import { rolldown } from 'rolldown';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = fileURLToPath(new URL('../packages/doctor/bundle/', import.meta.url));
const dist = (path, pkg = 'doctor') => fileURLToPath(new URL(`../packages/${pkg}/dist/${path}`, import.meta.url));
/** The plugin packages: their codes and fixes (meta) and their checks as metadata (light, docs/decisions/lazy-loading.md). */
const PLUGIN_PACKAGES = ['dns', 'certs', 'turn', 'cms', 'trust', 'expressway', 'browser'];
/** Bundled: our packages, and yargs-parser, which every command line goes through (five small files). */
const isBundled = (id) =>
  id.startsWith('@cms-doctor/') || id === 'yargs-parser' || id.startsWith('.') || id.startsWith('/') || id.startsWith('\0');

/**
 * Chunk groups, one per layer a command loads whole: the rendered help, the CLI entry, the codes
 * and fixes (`explain`), the check catalogue as metadata (every diagnosis), the report. Left to
 * itself the bundler cuts them into some thirty small chunks at the dynamic-import boundaries, and each file costs a resolve, a read and a
 * compile; one chunk per layer is what a command start pays for. A group holds a layer's static
 * imports only, so nothing behind a dynamic import (a check's code, a heavy library) joins it.
 */
const LAYERS = [
  { name: 'help', from: [dist('help/entry.js')] },
  { name: 'cli', from: [dist('cli.js'), dist('io.js')] },
  { name: 'meta', from: [dist('code-catalogue.js'), ...PLUGIN_PACKAGES.map((pkg) => dist('meta.js', pkg))] },
  { name: 'catalogue', from: [dist('catalogue.js'), ...PLUGIN_PACKAGES.map((pkg) => dist('light.js', pkg))] },
  { name: 'report', from: [dist('commands/common.js')] },
];

/** Both builds bundle the same entries; the first only reads the import graph. */
const INPUT = {
  input: { cli: dist('cli.js'), help: dist('help/entry.js') },
  platform: 'node',
  cwd: root,
  external: (id) => id.startsWith('node:') || !isBundled(id),
  logLevel: 'warn',
  // Expected: the light entries import their meta statically, the code catalogue lazily.
  onLog: (level, log, handler) => log.code !== 'INEFFECTIVE_DYNAMIC_IMPORT' && handler(level, log),
};
const OUTPUT = { format: 'esm', entryFileNames: '[name].js' };

/** The modules a set of modules reaches through static imports, read off a first, ungrouped build. */
function staticClosure(chunks, starts) {
  const byModule = new Map(chunks.flatMap((c) => c.moduleIds.map((m) => [m, c])));
  const byFile = new Map(chunks.map((c) => [c.fileName, c]));
  const seen = new Set();
  const visit = (chunk) => {
    if (!chunk || seen.has(chunk)) return;
    seen.add(chunk);
    for (const f of chunk.imports) visit(byFile.get(f));
  };
  for (const s of starts) visit(byModule.get(s));
  return new Set([...seen].flatMap((c) => c.moduleIds));
}

const first = await rolldown(INPUT);
const ungrouped = (await first.generate({ ...OUTPUT, chunkFileNames: 'chunk-[hash].js' })).output.filter((o) => o.type === 'chunk');
await first.close();
const taken = new Set();
const groups = LAYERS.map(({ name, from }) => {
  const members = new Set([...staticClosure(ungrouped, from)].filter((m) => !taken.has(m)));
  for (const m of members) taken.add(m);
  return { name, test: (id) => members.has(id) };
});

const final = await rolldown(INPUT);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const { output } = await final.write({ ...OUTPUT, dir: out, chunkFileNames: 'chunk-[name]-[hash].js', codeSplitting: { groups } });
await final.close();
const modules = Object.fromEntries(
  output
    .filter((o) => o.type === 'chunk')
    .map((c) => [c.fileName, c.moduleIds.filter((m) => !m.startsWith('\0')).map((m) => relative(root, m))]),
);
writeFileSync(`${out}modules.json`, JSON.stringify(modules, null, 1) + '\n');

// What depends on the build alone, printed now by the CLI itself: `--help` of every command at
// the widths it is asked at most (help/rendered-help.ts), `checks` in both formats
// (help/rendered-checks.ts).
const { main } = await import(dist('cli.js'));
const { COMMANDS } = await import(dist('commands/registry.js'));
const { recordCommand } = await import(dist('parse/command-shape.js'));
const { RENDERED_WIDTHS, renderedHelpName } = await import(dist('help/rendered-help.js'));
const { RENDERED_CHECKS_NAME } = await import(dist('help/rendered-checks.js'));
const { bufferedIo } = await import(dist('io.js'));

/** What `cms-doctor <args>` prints, on a terminal `columns` wide; a failure stops the build. */
async function printed(args, columns) {
  const { io, stdout } = bufferedIo({ cwd: root, ...(columns ? { columns } : {}) });
  const code = await main(args, io);
  if (code !== 0 || !stdout()) throw new Error(`cms-doctor ${args.join(' ')} exited ${code}`);
  return stdout();
}

const quietIo = bufferedIo({ cwd: root }).io;
const paths = [''];
for (const entry of COMMANDS) {
  paths.push(entry.name);
  for (const sub of recordCommand((await entry.load())(quietIo)).subcommands.keys()) paths.push(`${entry.name} ${sub}`);
}
paths.push('completion');
for (const width of RENDERED_WIDTHS) {
  const texts = {};
  for (const path of paths) texts[path] = await printed([...(path ? path.split(' ') : []), '--help'], width);
  writeFileSync(`${out}${renderedHelpName(width)}`, JSON.stringify(texts) + '\n');
}
const checks = { text: await printed(['checks', '--format', 'text']), json: await printed(['checks', '--format', 'json']) };
writeFileSync(`${out}${RENDERED_CHECKS_NAME}`, JSON.stringify(checks) + '\n');
