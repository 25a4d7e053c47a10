import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schema.js';

describe('cms-doctor CLI (in-process)', () => {
  it('--help lists every command of the contract', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['run', 'triage', 'probe', 'explain', 'checks', 'lab', 'demo', 'completion'])
      expect(r.stdout).toContain(`cms-doctor ${cmd}`);
    expect(r.stdout).toContain('Exit codes');
  });

  it('run --help explains the target options', async () => {
    const r = await runCli(['run', '--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--external',
      '--internal-dns',
      '--edge-nat-address',
      '--turn-password-file',
      '--cms-api',
      '--insecure',
      '--inventory',
      '--format',
      '--timeout',
      '--only',
    ])
      expect(r.stdout).toContain(flag);
  });

  it.each([
    [['nonsense']],
    [['run', '--no-such-flag', 'x']],
    [['run', '--external', 'a.example.com', '--format', 'yaml']],
    [['run']],
    [['explain']],
    [['run', '--external', 'a.example.com', '--only', 'nope']],
    [['run', '--external', 'a.example.com', '--timeout', '-1']],
    [['triage', '/definitely/not/here']],
  ])('bad usage %j exits 2 with a message', async (args) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cms-doctor: /);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses a password on the command line', async () => {
    const r = await runCli(['run', '--external', 'a.example.com', '--turn-password', 'cisco']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('never taken from the command line');
  });

  it('without a terminal, a missing password exits 2 naming the variable', async () => {
    const r = await runCli(['run', '--external', 'a.example.com', '--cms-api', 'https://127.0.0.1:1', '--cms-user', 'admin']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CMS_DOCTOR_CMS_PASSWORD');
  });

  it('explain prints a fix with numbered steps and a code with its fixes', async () => {
    const fix = await runCli(['explain', 'turn-credentials']);
    expect(fix.code).toBe(0);
    expect(fix.stdout).toMatch(/1\. .+\n\s+2\. /);
    const code = await runCli(['explain', 'turn/integrity-check-failure']);
    expect(code.code).toBe(0);
    expect(code.stdout).toContain('turn-credentials');
  });

  it('an unknown code suggests near names and exits 2', async () => {
    const r = await runCli(['explain', 'turn-credential']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('turn-credentials');
  });

  it('checks lists ids, areas and needs; --format json is parseable', async () => {
    const r = await runCli(['checks', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { checks: { id: string; area: string; needs: string[] }[]; fixes: { id: string }[] };
    expect(doc.fixes.map((f) => f.id)).toContain('turn-credentials');
    for (const c of doc.checks) expect(c.id).toMatch(/^[a-z]+\.[a-z0-9.-]+$/);
  });

  it('run --format json prints exactly one document that matches the schema', async () => {
    const r = await runCli(['run', '--external', 'cmsweb.example.invalid', '--format', 'json', '--timeout', '3', '--only', 'cms']);
    expect([0, 1, 3]).toContain(r.code);
    const report = JSON.parse(r.stdout) as { target: { external: string }; mode: string };
    expect(schemaErrors(report)).toBe('');
    expect(report.target.external).toBe('cmsweb.example.invalid');
    expect(report.mode).toBe('live');
  });

  it('merges flags over CMS_DOCTOR_* variables over the config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmsd-cfg-'));
    const cfg = join(dir, 'c.yaml');
    await writeFile(
      cfg,
      'external: from-config.example.com\ninternal-domain: cfg.local\nexternalDomain: cfg.example.com\nturn-password-file: pw\n',
    );
    await writeFile(join(dir, 'pw'), 'secret-from-file\n');
    const r = await runCli(['run', '--config', cfg, '--format', 'json', '--only', 'cms', '--internal-domain', 'flag.local'], {
      CMS_DOCTOR_EXTERNAL_DOMAIN: 'env.example.com',
    });
    const report = JSON.parse(r.stdout) as { target: Record<string, unknown> };
    expect(report.target).toMatchObject({
      external: 'from-config.example.com',
      internalDomain: 'flag.local',
      externalDomain: 'env.example.com',
      turnPassword: '[redacted]',
    });
    expect(r.stdout).not.toContain('secret-from-file');
  });

  it.each(['markdown', 'junit', 'text'])('renders %s', async (format) => {
    const r = await runCli(['run', '--external', 'cmsweb.example.invalid', '--format', format, '--timeout', '3', '--only', 'cms']);
    expect([0, 1, 3]).toContain(r.code);
    if (format === 'junit') expect(r.stdout).toMatch(/^<\?xml[\s\S]*<testsuites[\s\S]*<\/testsuites>\n$/);
    if (format === 'markdown') expect(r.stdout).toContain('## cms-doctor report');
    if (format === 'text') expect(r.stdout).toContain('Summary');
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });
});

describe('run --inventory', () => {
  it('reports each deployment (JSON: an array) and rejects a malformed inventory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmsd-fleet-'));
    const fleet = join(dir, 'fleet.yaml');
    await writeFile(
      fleet,
      '- name: north\n  external: cmsweb.north.invalid\n- name: south\n  external: cmsweb.south.invalid\n  internal-domain: south.local\n',
    );
    const r = await runCli(['run', '--inventory', fleet, '--format', 'json', '--only', 'cms', '--concurrency', '2']);
    expect([0, 1, 3]).toContain(r.code);
    const reports = JSON.parse(r.stdout) as { target: { name: string; external: string; internalDomain?: string } }[];
    expect(reports.map((x) => x.target.name)).toEqual(['north', 'south']);
    expect(reports[1]?.target.internalDomain).toBe('south.local');
    for (const report of reports) expect(schemaErrors(report)).toBe('');

    const text = await runCli(['run', '--inventory', fleet, '--only', 'cms']);
    expect(text.stdout).toMatch(/deployment\s+external\s+fail/);

    await writeFile(fleet, 'external: not-a-list.invalid\n');
    expect((await runCli(['run', '--inventory', fleet])).code).toBe(2);
  });
});

describe('config file errors', () => {
  it.each([
    ['not yaml', 'external: [unclosed\n'],
    ['a list', '- a\n- b\n'],
    [
      'an alias bomb',
      'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n',
    ],
  ])('%s exits 2 with a message naming the file', async (_name, text) => {
    const dir = await mkdtemp(join(tmpdir(), 'cmsd-badcfg-'));
    const cfg = join(dir, 'bad.yaml');
    await writeFile(cfg, text);
    const r = await runCli(['run', '--config', cfg, '--external', 'a.example.invalid', '--only', 'cms']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(cfg);
  });

  it('a missing password file exits 2 naming it', async () => {
    const r = await runCli([
      'run',
      '--external',
      'a.example.invalid',
      '--turn-user',
      'u',
      '--turn-password-file',
      '/nonexistent/pw',
      '--only',
      'cms',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/nonexistent/pw');
  });
});
