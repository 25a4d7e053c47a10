import type { Finding, Fix, Status } from './model.js';
import { STATUSES } from './model.js';
import type { CheckRecord } from './runner.js';
import type { FileRecord } from './triage.js';
import type { Target } from './target.js';
import { redact } from './redact.js';

export interface Report {
  schemaVersion: 1;
  tool: { name: 'cms-doctor'; version: string };
  mode: 'live' | 'offline';
  target: Record<string, unknown>;
  startedAt: string;
  durationMs: number;
  summary: Record<Status, number>;
  checks: Omit<CheckRecord, 'startedAtMs'>[];
  findings: Finding[];
  fixes: Record<string, Omit<Fix, 'id'>>;
  files?: FileRecord[];
}

export interface ReportInput {
  version: string;
  mode: 'live' | 'offline';
  target: Target;
  startedAt: Date;
  durationMs: number;
  checks: readonly CheckRecord[];
  findings: readonly Finding[];
  fixes: ReadonlyMap<string, Fix>;
  files?: readonly FileRecord[];
}

export function buildReport(input: ReportInput): Report {
  const summary = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const f of input.findings) summary[f.status] += 1;
  const fixes: Report['fixes'] = {};
  for (const f of input.findings)
    for (const id of f.fixes) {
      const fix = input.fixes.get(id);
      // A fix id outside the catalogue is a bug in a check, not something to drop quietly.
      if (!fix) throw new Error(`finding ${f.code} names fix ${id}, which is not in the fix catalogue`);
      if (!fixes[id]) fixes[id] = { title: fix.title, steps: fix.steps, reference: fix.reference };
    }
  const report: Report = {
    schemaVersion: 1,
    tool: { name: 'cms-doctor', version: input.version },
    mode: input.mode,
    target: redact(input.target) as Record<string, unknown>,
    startedAt: input.startedAt.toISOString(),
    durationMs: Math.round(input.durationMs),
    summary,
    checks: input.checks.map(({ startedAtMs: _s, ...c }) => c),
    findings: bySeverity(input.findings),
    fixes,
  };
  if (input.files) report.files = [...input.files];
  return report;
}

/** The order every format shows findings in: what to act on first, notes and skips last. */
export const SEVERITY_ORDER: readonly Status[] = ['fail', 'warn', 'error', 'pass', 'info', 'skip'];

/** Findings by severity; within one status the catalogue order the runner produced is kept. */
export function bySeverity<T extends { status: Status }>(findings: readonly T[]): T[] {
  const rank = (s: Status): number => SEVERITY_ORDER.indexOf(s);
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f.status) - rank(b.f.status) || a.i - b.i)
    .map((x) => x.f);
}

/** 0 nothing failed, 1 a `fail`, 3 no fail but a check could not decide. */
export function exitCodeFor(report: Pick<Report, 'summary'>): 0 | 1 | 3 {
  if (report.summary.fail > 0) return 1;
  if (report.summary.error > 0) return 3;
  return 0;
}
