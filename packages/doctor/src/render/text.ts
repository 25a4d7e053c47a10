import { Chalk, type ChalkInstance } from 'chalk';
import { AREAS, type Area, type Finding, type Report, type Status } from '@cms-doctor/core';
import { needsLabel } from './needs-label.js';
import { fixPlan } from './fix-plan.js';
import { transportWarnings } from './clear-text.js';

export interface TextOptions {
  color: boolean;
  verbose?: boolean;
}

const SYMBOL: Record<Status, string> = { pass: '✓', warn: '!', fail: '✗', error: '?', skip: '-', info: 'i' };
const AREA_TITLE: Record<Area, string> = {
  dns: 'DNS (split horizon)',
  cert: 'Certificates',
  turn: 'TURN and media',
  cms: 'Cisco Meeting Server',
  webbridge: 'Web bridge',
  expressway: 'Expressway',
  triage: 'Input files',
  browser: 'Browser (Verify step in Chromium)',
};

const paint = (c: ChalkInstance, s: Status, text: string): string =>
  ({ pass: c.green, warn: c.yellow, fail: c.red, error: c.magenta, skip: c.gray, info: c.cyan })[s](text);

function evidenceLine(e: Record<string, unknown>, max: number): string {
  const { kind, ...rest } = e;
  const body = JSON.stringify(rest);
  const line = `${String(kind)} ${body === '{}' ? '' : body}`.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const areaOf = (f: Finding): Area =>
  (AREAS as readonly string[]).includes(f.code.split('/')[0] ?? '') ? (f.code.split('/')[0] as Area) : 'triage';
/** A runner's "could not decide" (timeout, crash) reads best as one line: which check, and why. */
const isCheckError = (f: Finding): boolean => f.code.endsWith('/check-error') || f.code === 'triage/run-deadline';

/**
 * Human report, in the order an engineer acts on it: failures, warnings and undecided checks
 * each with evidence and fix; then one line per pass; notes folded unless --verbose; skips as
 * the flags that would enable them; the fix plan; the files read; the summary.
 */
export function renderText(report: Report, opts: TextOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const out: string[] = [];
  const subject = String(report.target.external ?? (report.mode === 'offline' ? `${report.files?.length ?? 0} input files` : ''));
  out.push(c.bold(`cms-doctor ${report.tool.version}`) + c.gray(` · ${report.mode}${subject ? ` · ${subject}` : ''}`));
  for (const w of transportWarnings(report.target)) out.push(c.yellow(`! ${w}`));
  const shownFixes = new Set<string>();
  const of = (...statuses: Status[]): Finding[] => report.findings.filter((f) => statuses.includes(f.status));
  const head = (f: Finding): string => `  ${paint(c, f.status, SYMBOL[f.status])} ${f.title}${f.subject ? c.gray(`  [${f.subject}]`) : ''}`;

  const problem = (f: Finding): void => {
    if (isCheckError(f)) {
      out.push(`${head(f)}${f.detail ? `: ${f.detail}` : ''}${c.gray(`  (${f.code})`)}`);
      return;
    }
    out.push(head(f));
    out.push(c.gray(`      ${f.code} · ${AREA_TITLE[areaOf(f)]}${f.basis !== 'documented' ? ` · basis: ${f.basis}` : ''}`));
    if (f.detail) for (const line of f.detail.split('\n')) out.push(`      ${line}`);
    evidence(f);
    for (const id of f.fixes) {
      const fix = report.fixes[id];
      if (!fix) continue;
      if (shownFixes.has(id)) {
        out.push(`      fix: ${c.bold(id)} (steps above)`);
        continue;
      }
      shownFixes.add(id);
      out.push(`      fix: ${c.bold(id)}: ${fix.title}`);
      fix.steps.forEach((step, i) => out.push(`        ${i + 1}. ${step}`));
      out.push(c.gray(`        ref: ${fix.reference}`));
    }
    out.push(c.gray(`      more: cms-doctor explain ${f.code}`));
  };
  const evidence = (f: Finding): void => {
    const shown = opts.verbose ? f.evidence : f.evidence.slice(0, 3);
    for (const e of shown) out.push(c.gray(`      · ${evidenceLine(e, opts.verbose ? 2000 : 140)}`));
    if (f.evidence.length > shown.length)
      out.push(c.gray(`      · … ${f.evidence.length - shown.length} more (--verbose or --format json)`));
  };

  const problems = of('fail', 'warn', 'error');
  if (problems.length) {
    const s = report.summary;
    out.push('', c.bold(`Problems: ${s.fail} failed, ${s.warn} warnings, ${s.error} undecided`));
    problems.forEach(problem);
  }
  const passes = of('pass');
  if (passes.length) {
    out.push('', c.bold(`Passed (${passes.length})`));
    for (const f of passes) {
      out.push(head(f));
      if (opts.verbose) {
        if (f.detail) out.push(`      ${f.detail}`);
        evidence(f);
      }
    }
  }
  const notes = of('info');
  if (notes.length && opts.verbose) {
    out.push('', c.bold(`Notes (${notes.length})`));
    for (const f of notes) {
      out.push(head(f));
      if (f.detail) for (const line of f.detail.split('\n')) out.push(`      ${line}`);
      evidence(f);
    }
  } else if (notes.length) out.push('', c.gray(`${notes.length} note(s), not problems: --verbose shows them`));
  // Skips that lack the same inputs read best as one line: what to add to enable them.
  const skips = new Map<string, Finding[]>();
  for (const f of of('skip')) {
    const key = f.needs.map(needsLabel).join(', ');
    skips.set(key, [...(skips.get(key) ?? []), f]);
  }
  if (skips.size) out.push('', c.bold('Skipped'));
  for (const [needs, group] of skips) {
    const what = group.length === 1 ? (group[0]?.title ?? '').replace(/:? skipped$/, '') : `${group.length} checks`;
    const why = needs ? `, needs ${needs}` : group.length === 1 && group[0]?.detail ? `: ${group[0].detail}` : '';
    out.push(`  ${paint(c, 'skip', SYMBOL.skip)} ${what}${c.gray(` · skipped${why}`)}`);
    if (group.length > 1 && opts.verbose) for (const f of group) out.push(c.gray(`      ${f.check}`));
  }
  const plan = fixPlan(report);
  if (plan.length) {
    out.push('', c.bold('What to do, in order'));
    plan.forEach((p, i) => out.push(`  ${i + 1}. ${c.bold(p.id)}: ${p.title} ${c.gray(`(${p.codes.join(', ')})`)}`));
  }
  const unusable = (report.files ?? []).filter((f) => f.kind === 'unrecognised' || f.kind === 'unreadable');
  if (report.files) {
    out.push('', c.bold('Files'));
    for (const f of report.files)
      out.push(
        `  ${f.kind === 'unreadable' ? c.yellow('!') : f.kind === 'unrecognised' ? c.gray('-') : c.green('✓')} ${f.path} ${c.gray(`(${f.kind}${f.reason ? `: ${f.reason}` : ''})`)}`,
      );
    if (unusable.length) out.push(c.gray(`  ${unusable.length} file(s) not used`));
  }
  const s = report.summary;
  out.push(
    '',
    `${c.bold('Summary')}: ${paint(c, 'pass', `${s.pass} passed`)}, ${paint(c, 'warn', `${s.warn} warnings`)}, ${paint(c, 'fail', `${s.fail} failed`)}, ${paint(c, 'error', `${s.error} undecided`)}, ${s.skip} skipped, ${s.info} info · ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return out.join('\n') + '\n';
}
