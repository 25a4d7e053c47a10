import { AREAS, bySeverity, type Report } from '@cms-doctor/core';

const esc = (s: string): string =>
  // XML 1.0 forbids most control characters even when escaped.
  s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** JUnit XML: one test suite per area, one test case per check, so CI shows each check. */
export function renderJunit(reports: Report | Report[]): string {
  const list = Array.isArray(reports) ? reports : [reports];
  const suites: string[] = [];
  for (const [i, report] of list.entries()) {
    const prefix = list.length > 1 ? `${String(report.target.name ?? report.target.external ?? i)}.` : '';
    for (const area of AREAS) {
      // Problems first, as in every format; catalogue order within a status.
      const checks = bySeverity(report.checks.filter((c) => c.area === area));
      if (checks.length === 0) continue;
      const cases = checks.map((c) => {
        const findings = report.findings.filter((f) => f.check === c.id);
        const text = findings
          .map(
            (f) =>
              `[${f.status}] ${f.code}: ${f.title}${f.detail ? `\n  ${f.detail}` : ''}${f.fixes.length ? `\n  fixes: ${f.fixes.join(', ')}` : ''}`,
          )
          .join('\n');
        const first = findings.find((f) => f.status === c.status);
        const head = `<testcase classname="cms-doctor.${prefix}${area}" name="${esc(c.id)}" time="${(c.durationMs / 1000).toFixed(3)}"`;
        if (c.status === 'fail')
          return `${head}><failure type="${esc(first?.code ?? '')}" message="${esc(first?.title ?? '')}">${esc(text)}</failure></testcase>`;
        if (c.status === 'error')
          return `${head}><error type="${esc(first?.code ?? '')}" message="${esc(first?.title ?? '')}">${esc(text)}</error></testcase>`;
        if (c.status === 'skip') return `${head}><skipped message="${esc(first?.detail ?? 'skipped')}"/></testcase>`;
        return `${head}><system-out>${esc(text)}</system-out></testcase>`;
      });
      const count = (s: string): number => checks.filter((c) => c.status === s).length;
      const time = checks.reduce((t, c) => t + c.durationMs, 0) / 1000;
      suites.push(
        `  <testsuite name="cms-doctor.${prefix}${area}" tests="${checks.length}" failures="${count('fail')}" errors="${count('error')}" skipped="${count('skip')}" time="${time.toFixed(3)}" timestamp="${report.startedAt}">\n    ${cases.join('\n    ')}\n  </testsuite>`,
      );
    }
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="cms-doctor">\n${suites.join('\n')}\n</testsuites>\n`;
}
