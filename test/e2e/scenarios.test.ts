/**
 * The CLI against every lab scenario: the codes and fixes the contract names show up,
 * the healthy deployment yields no `fail`, nothing unrelated fails, and runs with a
 * network fault end within their overall deadline.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, SCENARIOS, type Scenario } from '@cms-doctor/lab';
import { main } from '@cms-doctor/doctor/cli';
import { loadCatalogue, renderMarkdown, renderText } from '@cms-doctor/doctor';
import type { Report as FullReport } from '@cms-doctor/core';

const catalogue = await loadCatalogue();
const problemCodes = new Set(catalogue.codes.keys());

interface ReportFinding {
  check: string;
  code: string;
  status: string;
  title: string;
  basis: string;
  fixes: string[];
}
interface Report {
  durationMs: number;
  findings: ReportFinding[];
}

const ROOT = join(import.meta.dirname, '../..');
const FAULT_TIMEOUT_S = 6;
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function runInProcess(configPath: string, timeoutS: number): Promise<{ exit: number; report: Report }> {
  let out = '';
  const exit = await main(['run', '--config', configPath, '--format', 'json', '--timeout', String(timeoutS)], {
    stdout: (t) => {
      out += t;
    },
    stderr: () => undefined,
    env: {},
    stdoutTty: false,
    stderrTty: false,
    stdinTty: false,
    prompt: () => Promise.reject(new Error('no prompt in tests')),
    cwd: ROOT,
  });
  return { exit, report: JSON.parse(out) as Report };
}

const matches = (code: string, pattern: string): boolean =>
  pattern.endsWith('/*') ? code.startsWith(pattern.slice(0, -1)) : code === pattern;

/** Asserts the contract for one scenario's report. */
function judge(s: Scenario, report: Report): void {
  // The contract's two kinds of code: a check's own id for pass/skip/info, a documented problem code otherwise.
  for (const f of report.findings) {
    if (['pass', 'skip', 'info'].includes(f.status)) expect(f.code, `${s.name}: ${f.check}`).toBe(f.check.replace('.', '/'));
    else expect(problemCodes.has(f.code), `${s.name}: ${f.code} is not a catalogued problem code`).toBe(true);
  }
  const problems = report.findings.filter((f) => ['warn', 'fail', 'error'].includes(f.status));
  // One home per code: what a finding says of its code is what `explain` says.
  for (const f of problems) {
    const entry = catalogue.codes.get(f.code);
    expect({ title: f.title, basis: f.basis }, `${s.name}: ${f.code}`).toEqual({ title: entry?.title, basis: entry?.basis });
    for (const fix of f.fixes) expect(entry?.fixes, `${s.name}: ${f.code} fix ${fix}`).toContain(fix);
  }
  if (s.name === 'healthy')
    expect(
      problems.map((f) => `${f.status} ${f.code}`),
      'healthy: no problem at all',
    ).toEqual([]);
  // The documented cause comes first. A network fault has no documented cause: any code it
  // produces (a stalled TLS handshake stops the web proxy and the certificate fetch alike) will do.
  const causes = s.networkFault ? [...s.expected.codes, ...(s.tolerated ?? [])] : s.expected.codes;
  if (causes.length) {
    const full = report as unknown as FullReport;
    expect(causes, `${s.name}: first problem in text`).toContain(firstProblemInText(renderText(full, { color: false })));
    expect(causes, `${s.name}: first problem in markdown`).toContain(firstProblemInMarkdown(renderMarkdown(full)));
  }
  for (const code of s.expected.codes)
    expect(
      problems.map((f) => f.code),
      `${s.name}: expected ${code}`,
    ).toContain(code);
  const fixes = new Set(problems.flatMap((f) => f.fixes));
  for (const fix of s.expected.fixes) expect([...fixes], `${s.name}: expected fix ${fix}`).toContain(fix);
  const allowed = [...s.expected.codes, ...(s.tolerated ?? [])];
  const unrelated = problems.filter((f) => f.status === 'fail' && !allowed.some((p) => matches(f.code, p)));
  expect(
    unrelated.map((f) => f.code),
    `${s.name}: unrelated failures`,
  ).toEqual([]);
}

/** The code of the first problem a reader meets in the text report (the line under its title). */
function firstProblemInText(text: string): string | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Problems:'));
  if (start < 0) return undefined;
  const head = lines[start + 1] ?? '';
  // A one-line undecided check ends with its code in parentheses; others have it on the next line.
  return /\((\S+\/\S+)\)$/.exec(head)?.[1] ?? /^ {6}(\S+\/\S+) · /.exec(lines[start + 2] ?? '')?.[1];
}

function firstProblemInMarkdown(md: string): string | undefined {
  return /^#### \S+ `([^`]+)`/m.exec(md)?.[1];
}

async function withLab<T>(s: Scenario, fn: (configPath: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `cms-doctor-e2e-${s.name}-`));
  dirs.push(dir);
  const lab = await startLab({ scenario: s.name, dir });
  try {
    return await fn(lab.configPath);
  } finally {
    await lab.close();
  }
}

describe('cms-doctor run against the lab', () => {
  it('healthy: no fail, exit 0 (spawned as a user would)', async () => {
    if (!existsSync(join(ROOT, 'packages/doctor/dist/cli.js'))) throw new Error('build first: npx tsc -b');
    const s = SCENARIOS.find((x) => x.name === 'healthy')!;
    await withLab(s, async (configPath) => {
      const child = spawn(process.execPath, ['bin/cms-doctor.js', 'run', '--config', configPath, '--format', 'json'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      const exit = await new Promise<number | null>((res) => child.on('close', res));
      const report = JSON.parse(out) as Report;
      expect(report.findings.filter((f) => f.status === 'fail')).toEqual([]);
      expect(report.findings.filter((f) => f.status === 'error')).toEqual([]);
      expect(exit).toBe(0);
      judge(s, report);
    });
  });

  const failures = SCENARIOS.filter((s) => s.name !== 'healthy' && !s.networkFault);
  it.each(failures.map((s) => [s.name, s] as const))('%s: its codes and fixes, nothing unrelated fails', async (_name, s) => {
    await withLab(s, async (configPath) => {
      const { exit, report } = await runInProcess(configPath, 15);
      judge(s, report);
      // Exit codes of the contract: 1 when anything failed, else 0 or 3 (an error, no fail).
      if (report.findings.some((f) => f.status === 'fail')) expect(exit, s.name).toBe(1);
      else expect(exit, s.name).toBe(report.findings.some((f) => f.status === 'error') ? 3 : 0);
    });
  });

  const faults = SCENARIOS.filter((s) => s.networkFault);
  it.each(faults.map((s) => [s.name, s] as const))('%s (network fault): run ends within its overall deadline', async (_name, s) => {
    await withLab(s, async (configPath) => {
      const t0 = performance.now();
      const { report } = await runInProcess(configPath, FAULT_TIMEOUT_S);
      const wall = performance.now() - t0;
      judge(s, report);
      // The deadline plus a margin for rendering; a hung probe would take far longer.
      expect(wall, `${s.name} took ${Math.round(wall)} ms`).toBeLessThan(FAULT_TIMEOUT_S * 1000 + 2500);
    });
  });
});
