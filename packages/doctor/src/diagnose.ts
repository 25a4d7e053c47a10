import {
  buildReport,
  linkSignals,
  codeOf,
  defineCheck,
  runChecks,
  type Area,
  type Check,
  type CheckRecord,
  type Finding,
  type FileRecord,
  type Report,
  type TriageFile,
  type Target,
} from '@cms-doctor/core';
import { loadCatalogue, type Catalogue } from './catalogue.js';
import { collectInputs } from './triage/collect.js';
import type { TriageLimits } from './triage/budget.js';
import { toTriageFile, type FileEntry } from './triage/input-file.js';
import { VERSION } from './version.js';

export interface DiagnoseOptions {
  /** Overall deadline of the run in ms. */
  timeoutMs: number;
  only?: readonly Area[];
  /** Live: include the `browser` area (headless Chromium), as `run --browser` and `verify` ask. */
  browser?: boolean;
  onStart?: (check: Check<unknown>) => void;
  onSettled?: (record: CheckRecord, findings: readonly Finding[]) => void;
  catalogue?: Catalogue;
  signal?: AbortSignal;
  /** Offline: run-wide extraction caps (entries, bytes, depth, files). */
  limits?: Partial<TriageLimits>;
  /** Offline: stops extraction (default `signal`); set earlier than the deadline so the checks still report. */
  extractionSignal?: AbortSignal;
}

/**
 * The checks of the chosen areas, plus the live collectors whose inputs they read (`--only
 * webbridge --cms-ssh ...` still reads the MMP screens its trust checks judge).
 */
function pick(checks: readonly Check<unknown>[], only?: readonly Area[]): Check<unknown>[] {
  if (!only || only.length === 0) return [...checks];
  const chosen = checks.filter((c) => only.includes(c.area));
  const wanted = new Set(
    chosen
      .flatMap((c) => [...c.needs, ...(c.needsAny ?? []).flat()])
      .filter((n) => n.startsWith('file:'))
      .map((n) => n.slice(5)),
  );
  return checks.filter((c) => only.includes(c.area) || (c.collects ?? []).some((k) => wanted.has(k)));
}

/** Offline dependents only combine parsed results: one second per level is ample, even on a loaded machine. */
const OFFLINE_LEVEL_RESERVE_MS = 1000;

/** Per-check deadline: the overall deadline minus a margin for rendering, at least one second. */
const perCheck = (timeoutMs: number): number => Math.max(1000, timeoutMs - 250);

interface Started {
  at: Date;
  t0: number;
}
const started = (): Started => ({ at: new Date(), t0: performance.now() });

/** One run through the runner under the overall deadline, turned into a report. */
async function runToReport(
  checks: readonly Check<unknown>[],
  mode: 'live' | 'offline',
  target: Target,
  opts: DiagnoseOptions,
  catalogue: Catalogue,
  since: Started,
  /** Offline: the inputs, and their records read after the run (checks may reject files). */
  files?: { triage: readonly TriageFile[]; records: () => FileRecord[] },
): Promise<Report> {
  const overall = AbortSignal.timeout(opts.timeoutMs);
  const linked = linkSignals(overall, opts.signal);
  const result = await runChecks(checks, {
    target,
    mode,
    ...(files ? { files: files.triage } : {}),
    checkTimeoutMs: perCheck(opts.timeoutMs),
    budgetMs: perCheck(opts.timeoutMs),
    ...(mode === 'offline' ? { levelReserveMs: OFFLINE_LEVEL_RESERVE_MS } : {}),
    signal: linked.signal,
    ...(opts.onStart ? { onStart: opts.onStart } : {}),
    ...(opts.onSettled ? { onSettled: opts.onSettled } : {}),
  }).finally(linked.release);
  return buildReport({
    version: VERSION,
    mode,
    target,
    startedAt: since.at,
    durationMs: performance.now() - since.t0,
    ...result,
    fixes: catalogue.fixes,
    ...(files ? { files: files.records() } : {}),
  });
}

export async function diagnoseLive(target: Target, opts: DiagnoseOptions): Promise<Report> {
  const since = started();
  const catalogue = opts.catalogue ?? (await loadCatalogue());
  // Launching a browser is heavy: the browser area runs only when asked for by name.
  const withBrowser = opts.browser === true || (opts.only ?? []).includes('browser');
  const checks = pick(catalogue.checks, opts.only).filter((c) => withBrowser || c.area !== 'browser');
  return runToReport(checks, 'live', target, opts, catalogue, since);
}

/** Lists every unreadable input as a `triage/unreadable-file` warning, after the checks that may reject files. */
function filesCheck(entries: readonly FileEntry[], after: string[]): Check<unknown> {
  return defineCheck({
    id: 'triage.files',
    title: 'Input files',
    area: 'triage',
    modes: ['offline'],
    needs: [],
    after,
    run: async () => {
      const bad = entries.filter((e) => e.kind === 'unreadable');
      const used = entries.filter((e) => e.kind !== 'unreadable' && e.kind !== 'unrecognised' && !e.kind.startsWith('archive-'));
      return [
        // Which file is which is the report's `files` list; the finding only counts.
        { code: codeOf('triage.files'), status: 'info', title: `${used.length} of ${entries.length} input files recognised` },
        ...bad.map((e) => ({
          code: 'triage/unreadable-file',
          status: 'warn' as const,
          title: `Could not read ${e.path}`,
          detail: e.reason,
          subject: e.path,
          evidence: [{ kind: 'input-file', path: e.path, reason: e.reason ?? '' }],
        })),
      ];
    },
  });
}

export async function diagnoseOffline(inputs: readonly string[], target: Target, opts: DiagnoseOptions): Promise<Report> {
  const since = started();
  const catalogue = opts.catalogue ?? (await loadCatalogue());
  const { entries, workDirs } = await collectInputs(inputs, catalogue.recognisers, {
    ...((opts.extractionSignal ?? opts.signal) ? { signal: opts.extractionSignal ?? opts.signal } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  try {
    const files = entries.map(toTriageFile);
    const checks = pick(catalogue.checks, opts.only).filter((c) => c.modes.includes('offline'));
    // An offline check with none of its file kinds present is noise, not a skip worth reading.
    const relevant = checks.filter((c) => {
      const kinds = [...c.needs, ...(c.needsAny ?? []).flat()].filter((n) => n.startsWith('file:')).map((n) => n.slice(5));
      return kinds.length === 0 || kinds.some((k) => entries.some((e) => e.kind === k));
    });
    const all = [
      ...relevant,
      filesCheck(
        entries,
        relevant.map((c) => c.id),
      ),
    ];
    return await runToReport(all, 'offline', target, opts, catalogue, since, {
      triage: files,
      records: () => entries.map((e) => ({ path: e.path, kind: e.kind, ...(e.reason ? { reason: e.reason } : {}) })),
    });
  } finally {
    await Promise.all(workDirs.map((w) => w.dispose()));
  }
}
