import { readFile } from 'node:fs/promises';
import type { CommandModule } from 'yargs';
import type { Fix } from '@cms-doctor/core';
import type { CliIo } from '../io.js';
import { loadCodeCatalogue } from '../code-catalogue.js';
import { docsRoot, findingDoc, fixDoc } from '../docs-root.js';
import { ExitError } from '../exit.js';

const readDoc = (path: string | undefined): Promise<string | undefined> =>
  path ? readFile(path, 'utf8').catch(() => undefined) : Promise.resolve(undefined);

const fixText = (fix: Fix): string =>
  [`${fix.id}: ${fix.title}`, ...fix.steps.map((s, i) => `  ${i + 1}. ${s}`), `  Reference: ${fix.reference}`].join('\n');

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

export const explainCommand = (io: CliIo): CommandModule => ({
  command: 'explain <name>',
  describe: 'Print what a finding code or fix id means and the documented fix',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'A finding code (turn/integrity-check-failure) or a fix id (turn-credentials)' })
      .example('$0 explain turn-credentials', 'the steps of a fix')
      .example('$0 explain webbridge/trust-bundle-missing', 'a finding, its evidence and its fixes'),
  handler: async (raw) => {
    const name = String((raw as unknown as { name: unknown }).name).trim();
    const { codes, fixes } = await loadCodeCatalogue();
    const root = docsRoot();
    const code = codes.get(name);
    const fix = fixes.get(name);
    if (code) {
      const page = await readDoc(root && findingDoc(root, code.code));
      const parts = [page ?? `${code.code}: ${code.title}\nStatus: ${code.status} · basis: ${code.basis}`];
      for (const id of code.fixes) {
        const f = fixes.get(id);
        if (f) parts.push(fixText(f));
      }
      io.stdout(parts.join('\n\n') + '\n');
      return;
    }
    if (fix) {
      const page = await readDoc(root && fixDoc(root, fix.id));
      const usedBy = [...codes.values()].filter((c) => c.fixes.includes(fix.id)).map((c) => c.code);
      io.stdout(`${fixText(fix)}\n${usedBy.length ? `\nFixes: ${usedBy.join(', ')}\n` : ''}${page ? `\n${page}` : ''}`);
      return;
    }
    const names = [...codes.keys(), ...fixes.keys()];
    const near = names
      .map((n) => ({ n, d: distance(name, n) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 3)
      .map((x) => x.n);
    throw new ExitError(2, `unknown finding code or fix id "${name}". Did you mean: ${near.join(', ')}? (cms-doctor checks lists them)`);
  },
});
