import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tar from 'tar';
import { runCli, spawnCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schema.js';

const BUNDLE = fileURLToPath(new URL('../../fixtures/bundles/media-never-flows', import.meta.url));

interface Report {
  findings: { code: string; status: string; fixes: string[]; subject?: string }[];
  files: { path: string; kind: string }[];
}
const failing = (r: Report): string[] => [...new Set(r.findings.filter((f) => f.status === 'fail').map((f) => f.code))].sort();

describe('triage of a ticket bundle', () => {
  it('finds the documented failures in a folder, each with its fix (spawned)', async () => {
    const r = await spawnCli([
      'triage',
      BUNDLE,
      // The web bridge name is never guessed from the files (issue 10): the engineer names it.
      '--external',
      'cmsweb.octavio.com',
      '--internal-dns',
      '172.16.85.162',
      '--cms-address',
      '172.16.85.180',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(schemaErrors(report)).toBe('');
    expect(failing(report)).toEqual([
      'dns/internal-not-cms',
      'turn/integrity-check-failure',
      'turn/relay-candidate-timeout',
      'webbridge/callbridge-connect-failure',
      'webbridge/trust-bundle-missing',
    ]);
    const fixesOf = (code: string): string[] => report.findings.find((f) => f.code === code)?.fixes ?? [];
    expect(fixesOf('turn/integrity-check-failure')).toEqual(['turn-credentials']);
    expect(fixesOf('webbridge/trust-bundle-missing')).toEqual(['webbridge-callbridge-trust']);
    expect(report.files.find((f) => f.path.endsWith('customer-note.txt'))?.kind).toBe('unrecognised');
  });

  it('reads the same bundle from a tar.gz without unpacking it by hand', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmsd-bundle-'));
    const archive = join(dir, 'ticket-4711.tgz');
    await tar.c({ gzip: true, file: archive, cwd: BUNDLE }, ['.']);
    const r = await runCli(['triage', archive, '--format', 'json']);
    const report = JSON.parse(r.stdout) as Report;
    expect(failing(report)).toEqual(
      expect.arrayContaining(['turn/integrity-check-failure', 'turn/relay-candidate-timeout', 'webbridge/trust-bundle-missing']),
    );
    expect(report.files.some((f) => f.path.startsWith(`${archive}!/`) && f.kind === 'pcapng')).toBe(true);
  });
});
