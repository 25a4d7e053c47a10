/**
 * Issue 16, reports safe to attach: every lab scenario and the triage of the ticket bundle and
 * of the real-world corpus, redacted in every format, keep no original name or address (collected
 * from the un-redacted JSON report of the same run) and keep their verdicts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab, SCENARIOS } from '@cms-doctor/lab';
import { createRedaction, FORMATS, render } from '../../packages/doctor/src/render/index.js';
import type { Report } from '@cms-doctor/core';
import { runCli } from '../helpers/cli.js';
import { leaks, originalsOf, verdicts, withoutCatalogueText } from './redact-originals.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Every format of one report through the renderer's redaction (the path `--redact` takes). */
function assertRedactedEverywhere(name: string, report: Report): void {
  const originals = originalsOf(report);
  expect(originals.length, `${name}: originals collected`).toBeGreaterThan(0);
  // The check can see a leak: without --redact the originals are there.
  expect(leaks(withoutCatalogueText(render(report, 'json', { color: false }), report), originals).length, name).toBeGreaterThan(0);
  for (const format of FORMATS) {
    const out = render(report, format, { color: false, verbose: true, redaction: createRedaction() });
    expect(leaks(withoutCatalogueText(out, report), originals), `${name} --format ${format}`).toEqual([]);
  }
}

async function cliJson(args: string[]): Promise<{ code: number; report: Report }> {
  const r = await runCli([...args, '--format', 'json']);
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}

describe('--redact on every lab scenario', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: no original remains in any format, verdicts unchanged', async (_n, s) => {
    const dir = await mkdtemp(join(tmpdir(), `cms-doctor-redact-${s.name}-`));
    dirs.push(dir);
    const lab = await startLab({ scenario: s.name, dir });
    try {
      const timeout = s.networkFault ? '6' : '15';
      const plain = await cliJson(['run', '--config', lab.configPath, '--timeout', timeout]);
      assertRedactedEverywhere(s.name, plain.report);
      // The redacted JSON has the same verdicts as the report it came from.
      const again = JSON.parse(render(plain.report, 'json', { color: false, redaction: createRedaction() })) as Report;
      expect(verdicts(again)).toEqual(verdicts(plain.report));
      expect(again.summary).toEqual(plain.report.summary);
      if (s.name === 'healthy' || s.name === 'turn-wrong-password') {
        // Through the CLI flags, with the mapping written to a private file.
        const map = join(dir, 'map.json');
        const red = await cliJson(['run', '--config', lab.configPath, '--timeout', timeout, '--redact', '--redact-map', map]);
        expect(red.code).toBe(plain.code);
        expect(verdicts(red.report)).toEqual(verdicts(plain.report));
        expect(leaks(withoutCatalogueText(JSON.stringify(red.report), red.report), originalsOf(plain.report))).toEqual([]);
        expect((await stat(map)).mode & 0o777).toBe(0o600);
        const mapping = JSON.parse(await readFile(map, 'utf8')) as Record<string, string>;
        expect(mapping[String(plain.report.target.external)]).toMatch(/^host-\d+\.domain-\d+$/);
      }
    } finally {
      await lab.close();
    }
  });
});

describe('--redact on triage', () => {
  for (const input of ['fixtures/bundles/media-never-flows', 'fixtures/realworld'])
    it(`${input}: no original remains in any format, verdicts unchanged`, async () => {
      const path = join(ROOT, input);
      const plain = await cliJson(['triage', path]);
      assertRedactedEverywhere(input, plain.report);
      const red = await cliJson(['triage', path, '--redact']);
      expect(red.code).toBe(plain.code);
      expect(verdicts(red.report)).toEqual(verdicts(plain.report));
      for (const format of ['text', 'markdown', 'junit', 'html']) {
        const r = await runCli(['triage', path, '--redact', '--format', format]);
        expect(leaks(withoutCatalogueText(r.stdout, plain.report), originalsOf(plain.report)), format).toEqual([]);
      }
    });

  it('the same name gets the same token, and the map is not printed', async () => {
    const r = await runCli(['triage', join(ROOT, 'fixtures/bundles/media-never-flows'), '--redact', '--format', 'json']);
    const report = JSON.parse(r.stdout) as Report;
    const capture = report.findings.find((f) => f.code === 'turn/integrity-check-failure')!;
    const server = String(capture.evidence[0]!.server);
    expect(server).toMatch(/^ip-\d+:\d+$/);
    expect(capture.detail).toContain(server);
    expect(r.stdout + r.stderr).not.toContain('"127.');
  });
});

describe('--format html with --inventory', () => {
  it('is refused with a clear message (one page draws one deployment)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cms-doctor-inv-html-'));
    dirs.push(dir);
    await writeFile(join(dir, 'fleet.yaml'), '- name: a\n  external: cmsweb.example.com\n');
    const r = await runCli(['run', '--inventory', join(dir, 'fleet.yaml'), '--format', 'html']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format html draws one deployment/);
  });
});
