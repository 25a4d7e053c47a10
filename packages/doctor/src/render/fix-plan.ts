import type { Report } from '@cms-doctor/core';

/** The fixes of failures first, then of warnings, each once, with the codes it addresses. */
export function fixPlan(report: Report): { id: string; title: string; codes: string[] }[] {
  const plan = new Map<string, { id: string; title: string; codes: string[] }>();
  for (const status of ['fail', 'warn'] as const)
    for (const f of report.findings.filter((x) => x.status === status))
      for (const id of f.fixes) {
        const fix = report.fixes[id];
        if (!fix) continue;
        const entry = plan.get(id) ?? { id, title: fix.title, codes: [] };
        if (!entry.codes.includes(f.code)) entry.codes.push(f.code);
        plan.set(id, entry);
      }
  return [...plan.values()];
}
