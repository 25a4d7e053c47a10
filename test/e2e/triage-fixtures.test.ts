/**
 * Every fixture (the real data copied from shared/realdata and the document's samples) through
 * `triage` at once: nothing crashes, every file is listed, only the malformed ones are
 * unreadable and they say why, no check fails to decide.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schema.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
// fixtures/realworld is the measured corpus with its own expectations (test/realworld/corpus.test.ts).
const INPUTS = readdirSync(FIXTURES)
  .filter((n) => n !== 'realworld')
  .map((n) => join(FIXTURES, n));
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));

interface Report {
  files: { path: string; kind: string; reason?: string }[];
  findings: { code: string; status: string }[];
}

describe('triage of every fixture', () => {
  it('lists every file, rejects only the malformed ones with a reason, and decides every check', async () => {
    const r = await runCli(['triage', ...INPUTS, '--format', 'json']);
    expect([0, 1]).toContain(r.code);
    const report = JSON.parse(r.stdout) as Report;
    expect(schemaErrors(report)).toBe('');
    // Archive members (`archive!/member`, the Expressway diagnostic archive) are listed besides their archive.
    expect(
      report.files
        .map((f) => f.path)
        .filter((p) => !p.includes('!/'))
        .sort(),
    ).toEqual(INPUTS.flatMap(walk).sort());
    const unreadable = report.files.filter((f) => f.kind === 'unreadable');
    expect(unreadable.map((f) => f.path.split('/').pop()).sort()).toEqual([
      'tac213552_accessMethod_host_AS-RENDERED-MALFORMED.xml',
      'tac213552_callLegProfile_guest_AS-RENDERED-MALFORMED.xml',
      'tac213552_coSpace_guest_AS-RENDERED-MALFORMED.xml',
    ]);
    for (const f of unreadable) expect(f.reason).toMatch(/not well-formed XML at line \d+/);
    expect(report.findings.filter((f) => f.status === 'error')).toEqual([]);
  });
});
