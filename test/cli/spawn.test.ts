import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schema.js';

// bin/cms-doctor.js as a user runs it, one spawned process per command (the build comes from `npm test`).
describe('cms-doctor as a process', () => {
  it('--version prints the version', async () => {
    const r = await spawnCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--help and an unknown command', async () => {
    expect((await spawnCli(['--help'])).stdout).toContain('cms-doctor run');
    const bad = await spawnCli(['frobnicate']);
    expect(bad.code).toBe(2);
  });

  it('explain turn-credentials', async () => {
    const r = await spawnCli(['explain', 'turn-credentials']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('turnServers');
  });

  it('checks', async () => {
    const r = await spawnCli(['checks']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cms-doctor explain');
  });

  it('completion prints a shell script', async () => {
    const r = await spawnCli(['completion']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cms-doctor');
  });

  it('run --format json: one schema-valid document, no colour codes, exit by the contract', async () => {
    const r = await spawnCli(['run', '--external', 'cmsweb.example.invalid', '--only', 'cms', '--format', 'json'], { FORCE_COLOR: '1' });
    expect([0, 1, 3]).toContain(r.code);
    expect(schemaErrors(JSON.parse(r.stdout))).toBe('');
  });

  it('triage of a folder lists its files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmsd-spawn-'));
    await writeFile(join(dir, 'note.txt'), 'hello\n');
    const r = await spawnCli(['triage', dir, '--format', 'json']);
    expect([0, 1, 3]).toContain(r.code);
    const report = JSON.parse(r.stdout) as { files: { path: string }[] };
    expect(report.files.map((f) => f.path)).toContain(join(dir, 'note.txt'));
  });
});
