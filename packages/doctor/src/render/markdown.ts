import type { Report, Status } from '@cms-doctor/core';
import { fixPlan } from './fix-plan.js';
import { markdownCell as cell } from './printable.js';
import { transportWarnings } from './clear-text.js';

const ICON: Record<Status, string> = { pass: '✅', warn: '⚠️', fail: '❌', error: '❓', skip: '⏭️', info: 'ℹ️' };

/** For pasting into a support ticket: summary table, problems with evidence and fixes, the rest compact. */
export function renderMarkdown(report: Report): string {
  const s = report.summary;
  const out: string[] = [
    `## cms-doctor report: ${cell(String(report.target.external ?? report.mode))}`,
    '',
    `${report.mode} run, ${report.startedAt}, ${report.durationMs} ms, cms-doctor ${report.tool.version}`,
    '',
    ...transportWarnings(report.target).flatMap((w) => [`> ⚠️ **${cell(w)}**`, '']),
    '| pass | warn | fail | error | skip | info |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${s.pass} | ${s.warn} | ${s.fail} | ${s.error} | ${s.skip} | ${s.info} |`,
  ];
  const plan = fixPlan(report);
  if (plan.length) {
    out.push('', '### What to do, in order', '');
    plan.forEach((p, i) => out.push(`${i + 1}. **\`${p.id}\`**: ${p.title} (${p.codes.map((c) => `\`${c}\``).join(', ')})`));
  }
  const problems = report.findings.filter((f) => f.status === 'fail' || f.status === 'warn' || f.status === 'error');
  if (problems.length) {
    out.push('', '### Problems');
    for (const f of problems) {
      out.push('', `#### ${ICON[f.status]} \`${f.code}\`: ${f.title}`, '');
      if (f.subject) out.push(`- **Subject:** \`${f.subject}\``);
      out.push(`- **Check:** \`${f.check}\` (${f.source}, basis: ${f.basis})`);
      if (f.detail) out.push(`- **Detail:** ${f.detail}`);
      if (f.evidence.length) {
        out.push('', '<details><summary>Evidence</summary>', '', '```json', JSON.stringify(f.evidence, null, 2), '```', '', '</details>');
      }
      for (const id of f.fixes) {
        const fix = report.fixes[id];
        if (!fix) continue;
        out.push('', `**Fix \`${id}\`: ${fix.title}**`, '');
        fix.steps.forEach((step, i) => out.push(`${i + 1}. ${step}`));
        out.push('', `_Reference: ${fix.reference}_`);
      }
    }
  }
  const passes = report.findings.filter((f) => f.status === 'pass');
  if (passes.length) {
    out.push('', `### Passed (${passes.length})`, '');
    for (const f of passes) out.push(`- ${ICON.pass} ${cell(f.title)}${f.subject ? ` (\`${cell(f.subject)}\`)` : ''}`);
  }
  // Notes and skips are not problems: folded, so they never stand between a reader and a failure.
  const rest = report.findings.filter((f) => f.status === 'info' || f.status === 'skip');
  if (rest.length) {
    out.push(
      '',
      `<details><summary>Notes and skipped checks (${rest.length})</summary>`,
      '',
      '| status | code | title | detail |',
      '| --- | --- | --- | --- |',
    );
    for (const f of rest) out.push(`| ${ICON[f.status]} ${f.status} | \`${f.code}\` | ${cell(f.title)} | ${cell(f.detail ?? '')} |`);
    out.push('', '</details>');
  }
  if (report.files?.length) {
    out.push('', '### Files', '', '| file | kind | note |', '| --- | --- | --- |');
    for (const f of report.files) out.push(`| \`${cell(f.path)}\` | ${f.kind} | ${cell(f.reason ?? '')} |`);
  }
  return out.join('\n') + '\n';
}
