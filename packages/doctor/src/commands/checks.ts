import type { CommandModule } from 'yargs';
import type { CliIo } from '../io.js';
import { loadCatalogue } from '../catalogue.js';
import { needsLabel } from '../render/needs-label.js';

export const checksCommand = (io: CliIo): CommandModule => ({
  command: 'checks',
  describe: 'List every check: id, area, live or offline, what it needs; and every problem code and fix',
  builder: (y) => y.option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' }),
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
    io.stdout(`${lines.join('\n')}\n\n${codes.size} problem codes and ${fixes.size} fixes: cms-doctor explain <code|fix>\n`);
  },
});
