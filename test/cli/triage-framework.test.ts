import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tar from 'tar';
import { runCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schema.js';

interface FileRow {
  path: string;
  kind: string;
  reason?: string;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cmsd-triage-'));
  const bundle = join(dir, 'bundle');
  await mkdir(join(bundle, 'nested'), { recursive: true });
  await writeFile(join(bundle, 'notes.txt'), 'customer says guests see a blank page\n');
  await writeFile(join(bundle, 'empty.log'), '');
  await writeFile(join(bundle, 'junk.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)));
  await writeFile(join(bundle, 'nested', 'readme.md'), '# hello\n');
  await symlink('/etc/passwd', join(bundle, 'link'));
  // A tarball with an ordinary member, made from a staging folder.
  const stage = join(dir, 'stage');
  await mkdir(join(stage, 'logs'), { recursive: true });
  await writeFile(join(stage, 'logs', 'a.txt'), 'inside the tarball\n');
  await tar.c({ gzip: true, file: join(bundle, 'attached.bin'), cwd: stage }, ['logs']);
  // A zip, and a zip whose member tries to escape the extraction folder.
  execFileSync('python3', [
    '-c',
    `
import zipfile,sys
with zipfile.ZipFile(sys.argv[1],'w') as z:
    z.writestr('inner/b.txt','inside the zip\\n')
with zipfile.ZipFile(sys.argv[2],'w') as z:
    z.writestr('../../escape.txt','should never be written\\n')
`,
    join(bundle, 'upload.zip'),
    join(bundle, 'evil.zip'),
  ]);
  await writeFile(join(bundle, 'broken.tgz'), Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(30, 7)]));
});

describe('triage framework', () => {
  it('lists every file with its kind or the reason it was not used, opening archives by content', async () => {
    const r = await runCli(['triage', join(dir, 'bundle'), '--format', 'json']);
    expect([0, 1, 3]).toContain(r.code);
    const report = JSON.parse(r.stdout) as { files: FileRow[]; mode: string };
    expect(schemaErrors(report)).toBe('');
    expect(report.mode).toBe('offline');
    const byName = (suffix: string): FileRow | undefined => report.files.find((f) => f.path.endsWith(suffix));
    expect(byName('attached.bin')?.kind).toBe('archive-tar.gz');
    expect(byName('attached.bin!/logs/a.txt')).toBeDefined();
    expect(byName('upload.zip')?.kind).toBe('archive-zip');
    expect(byName('upload.zip!/inner/b.txt')).toBeDefined();
    expect(byName('empty.log')).toMatchObject({ kind: 'unrecognised', reason: 'empty file' });
    expect(byName('link')).toMatchObject({ kind: 'unrecognised', reason: 'symbolic link not followed' });
    expect(byName('broken.tgz')?.kind).toBe('unreadable');
    expect(report.files.some((f) => f.path.includes('escape.txt'))).toBe(false);
    expect(byName('evil.zip')?.reason ?? '').toContain('escapes');
    for (const f of report.files) if (f.kind === 'unrecognised' || f.kind === 'unreadable') expect(f.reason).toBeTruthy();
  });

  it('reports unreadable files as triage/unreadable-file warnings', async () => {
    const r = await runCli(['triage', join(dir, 'bundle', 'broken.tgz'), '--format', 'json']);
    const report = JSON.parse(r.stdout) as { findings: { code: string; status: string; subject?: string }[] };
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'triage/unreadable-file', status: 'warn' }));
  });
});
