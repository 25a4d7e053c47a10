import type { CommandModule } from 'yargs';
import type { CliIo } from '../io.js';
import { loadCatalogue } from '../catalogue.js';
import { needsLabel } from '../render/needs-label.js';

export const checksCommand = (io: CliIo): CommandModule => ({
  command: 'checks',
  describe: 'List every check (id, area, live or offline, what it needs), every problem code and every fix',
  builder: (y) =>
    y
      .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' })
      // Accepted so that scripts can pass the same output flags to every command; the list has no colour.
      .option('color', { type: 'boolean', describe: 'Accepted for symmetry with the other commands (this list is plain text)' }),
  handler: async (raw) => {
    const { checks, codes, fixes } = await loadCatalogue();
    const rows = checks.map((c) => ({
      id: c.id,
      area: c.area,
      modes: [...c.modes],
      title: c.title,
      needs: [...c.needs],
      ...(c.needsAny ? { needsAny: c.needsAny.map((g) => [...g]) } : {}),
      after: [...(c.after ?? [])],
    }));
    if ((raw as { format?: string }).format === 'json') {
      io.stdout(JSON.stringify({ checks: rows, codes: [...codes.values()], fixes: [...fixes.values()] }, null, 2) + '\n');
      return;
    }
    const width = Math.max(8, ...rows.map((r) => r.id.length));
    const lines = rows.map((r) => {
      const needs = [
        ...r.needs.map(needsLabel),
        ...(r.needsAny ? [r.needsAny.map((g) => g.map(needsLabel).join(' + ')).join(' or ')] : []),
      ];
      return `${r.id.padEnd(width)}  ${r.area.padEnd(10)} ${r.modes.join('+').padEnd(13)} ${r.title}${needs.length ? `\n${' '.repeat(width + 2)}needs ${needs.join(', ')}` : ''}`;
    });
    const codeWidth = Math.max(8, ...[...codes.keys()].map((c) => c.length));
    const codeLines = [...codes.values()].map((c) => `${c.code.padEnd(codeWidth)}  ${c.status.padEnd(5)}  ${c.title}`);
    const fixWidth = Math.max(8, ...[...fixes.keys()].map((f) => f.length));
    const fixLines = [...fixes.values()].map((f) => `${f.id.padEnd(fixWidth)}  ${f.title}`);
    io.stdout(
      [
        `Checks (${rows.length})`,
        ...lines,
        '',
        `Problem codes (${codes.size})`,
        ...codeLines,
        '',
        `Fixes (${fixes.size})`,
        ...fixLines,
        '',
        'Details of any code or fix: cms-doctor explain <code|fix>',
        '',
      ].join('\n'),
    );
  },
});
