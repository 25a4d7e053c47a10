import type { Check, CheckContext, CheckInput, CheckOutcome } from './check.js';
import type { Finding, FindingDraft, Status } from './model.js';
import type { Target } from './target.js';
import type { TriageFile } from './triage.js';
import { describeError } from './errors.js';
import { redact } from './redact.js';
import { emitterFor } from './emit.js';
import { CORE_CODES } from './codes.js';
import { linkSignals } from './deadline.js';

const emit = emitterFor(CORE_CODES);

/** A deadline as a person says it: `9.6 s`, `12 s`, never `9608.333251953125 ms`. */
export const seconds = (ms: number): string => `${ms < 10_000 ? Math.round(ms / 100) / 10 : Math.round(ms / 1000)} s`;

export interface CheckRecord {
  id: string;
  area: Check['area'];
  status: Status;
  durationMs: number;
  startedAtMs: number;
}

export interface RunOptions {
  target: Target;
  mode: 'live' | 'offline';
  /** Per-check deadline unless the check sets its own. */
  checkTimeoutMs?: number;
  /** Cancels the whole run (the overall `--timeout`). */
  signal?: AbortSignal;
  /**
   * The run's overall budget in ms. With it, a check that others wait on must finish early
   * enough to leave each level of its dependents a fair share, so one stalled probe cannot
   * spend the time of the checks that need its result.
   */
  budgetMs?: number;
  /**
   * At most this much of the budget is kept back for each level of dependents (default: an
   * equal share per level). Offline, dependents combine what their prerequisites parsed and need
   * little time, while the parsing itself can take most of the run on a loaded machine: an equal
   * share cut the parsers at half the deadline with half of it still unused (issue 11, item 13).
   */
  levelReserveMs?: number;
  files?: readonly TriageFile[];
  /** Called as each check settles, for a progress display. */
  onSettled?: (record: CheckRecord, findings: readonly Finding[]) => void;
  onStart?: (check: Check<unknown>) => void;
  now?: () => number;
}

export interface RunResult {
  checks: CheckRecord[];
  findings: Finding[];
}

const WORST: readonly Status[] = ['error', 'fail', 'warn', 'info', 'pass', 'skip'];
export function worstStatus(statuses: readonly Status[]): Status {
  for (const s of WORST) if (statuses.includes(s)) return s;
  return 'skip';
}

/** Inputs a check lacks, or [] when it can run; `a|b` means any one of them. */
export function missingInputs(check: Check<unknown>, target: Target, files: readonly TriageFile[]): CheckInput[] {
  const has = (input: CheckInput): boolean =>
    input.startsWith('file:') ? files.some((f) => f.kind === input.slice(5)) : (target as Record<string, unknown>)[input] !== undefined;
  const missing = check.needs.filter((n) => !has(n));
  if (check.needsAny && check.needsAny.length > 0 && !check.needsAny.some((group) => group.every(has))) {
    const lacking = check.needsAny.map((group) => group.filter((n) => !has(n)));
    if (lacking.every((l) => l.length === 1)) {
      // Any one input would do: name them all (`a|b|c`), not the first the catalogue happens to list.
      missing.push(lacking.map((l) => l[0]).join('|') as CheckInput);
    } else {
      const best = [...lacking].sort((a, b) => a.length - b.length)[0] ?? [];
      for (const n of best) if (!missing.includes(n)) missing.push(n);
    }
  }
  return missing;
}

/**
 * How many levels of checks wait on each check (1 for a check nothing waits on),
 * following `after` edges among the checks of this run.
 */
export function dependentLevels(checks: readonly Check<unknown>[]): Map<string, number> {
  const ids = new Set(checks.map((c) => c.id));
  const waiters = new Map<string, string[]>();
  for (const c of checks) for (const d of c.after ?? []) if (ids.has(d) && d !== c.id) waiters.set(d, [...(waiters.get(d) ?? []), c.id]);
  const levels = new Map<string, number>();
  const level = (id: string, seen: Set<string>): number => {
    const known = levels.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 1; // a cycle: treat as a leaf
    seen.add(id);
    const v = 1 + Math.max(0, ...(waiters.get(id) ?? []).map((w) => level(w, seen)));
    seen.delete(id);
    levels.set(id, v);
    return v;
  };
  for (const c of checks) level(c.id, new Set());
  return levels;
}

/**
 * Runs checks concurrently; a check starts when the checks in its `after` list
 * have settled. Each gets a deadline; a throw or a missed deadline becomes one
 * `error` finding and the run goes on. Output is in catalogue order.
 */
export async function runChecks(catalogue: readonly Check<unknown>[], opts: RunOptions): Promise<RunResult> {
  const now = opts.now ?? (() => performance.now());
  // Grows as collectors publish what they gathered; a check sees what its `after` checks added.
  const files: TriageFile[] = [...(opts.files ?? [])];
  const checks = catalogue.filter((c) => c.modes.includes(opts.mode));
  const byId = new Map(checks.map((c) => [c.id, c]));
  const data = new Map<string, unknown>();
  const settled = new Map<string, Promise<void>>();
  const results = new Map<string, { record: CheckRecord; findings: Finding[] }>();
  const levels = dependentLevels(checks);
  const depth = Math.max(1, ...levels.values());
  const runEnd = opts.budgetMs === undefined ? Infinity : Date.now() + opts.budgetMs;
  const slice = opts.budgetMs === undefined ? 0 : Math.min(opts.budgetMs / depth, opts.levelReserveMs ?? Infinity);

  const runOne = async (check: Check<unknown>): Promise<void> => {
    const deps = (check.after ?? []).filter((d) => byId.has(d) && d !== check.id);
    await Promise.all(deps.map((d) => start(d)));
    const startedAtMs = now();
    const finish = (findings: Finding[]): void => {
      const record: CheckRecord = {
        id: check.id,
        area: check.area,
        status: worstStatus(findings.map((f) => f.status)),
        durationMs: Math.max(0, Math.round(now() - startedAtMs)),
        startedAtMs,
      };
      results.set(check.id, { record, findings });
      opts.onSettled?.(record, findings);
    };
    const complete = (draft: FindingDraft): Finding =>
      redact({
        check: check.id,
        source: opts.mode,
        evidence: [],
        fixes: [],
        basis: 'documented',
        needs: [],
        ...draft,
      } as Finding);

    const missing = missingInputs(check, opts.target, files);
    if (missing.length > 0) {
      finish([
        complete({
          code: codeOf(check.id),
          status: 'skip',
          title: `${check.title}: skipped`,
          detail: `needs ${missing.join(', ')}`,
          needs: missing,
        }),
      ]);
      return;
    }
    if (opts.signal?.aborted) {
      finish([complete(emit('triage/run-deadline', { subject: check.title, detail: "not started: the run's deadline had passed" }))]);
      return;
    }
    const own = check.timeoutMs ?? opts.checkTimeoutMs ?? 10_000;
    // Leave each level of waiting checks its share of what remains of the run.
    const reserve = ((levels.get(check.id) ?? 1) - 1) * slice;
    const timeoutMs = Math.max(200, Math.min(own, runEnd - reserve - Date.now()));
    const timer = new AbortController();
    const handle = setTimeout(() => timer.abort(new DOMException(`no decision within ${seconds(timeoutMs)}`, 'TimeoutError')), timeoutMs);
    const linked = linkSignals(opts.signal, timer.signal);
    const signal = linked.signal;
    const ctx: CheckContext = {
      target: opts.target,
      signal,
      deadline: Date.now() + timeoutMs,
      mode: opts.mode,
      get: <T>(id: string) => data.get(id) as T | undefined,
      files: (...kinds: string[]) => files.filter((f) => kinds.includes(f.kind)),
    };
    opts.onStart?.(check);
    // The race makes a check that ignores its signal still end at its deadline.
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = (): void => reject(signal.reason ?? new Error('aborted'));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      const out = await Promise.race([check.run(ctx), aborted]);
      const outcome: CheckOutcome = Array.isArray(out) ? { findings: out } : out;
      if (outcome.data !== undefined) data.set(check.id, outcome.data);
      if (outcome.files) files.push(...outcome.files);
      finish(outcome.findings.map(complete));
    } catch (e) {
      const timedOut = signal.aborted;
      const reason = timedOut ? describeError(signal.reason) : `the check failed to run: ${describeError(e)}`;
      finish([
        complete(
          emit(`${check.area}/check-error`, {
            subject: check.title,
            detail: reason,
            evidence: [{ kind: 'check-error', error: describeError(e), timedOut }],
          }),
        ),
      ]);
    } finally {
      clearTimeout(handle);
      linked.release();
    }
  };

  const start = (id: string): Promise<void> => {
    let p = settled.get(id);
    if (!p) {
      const check = byId.get(id);
      // Register before running so a dependency cycle waits on a resolved placeholder instead of recursing.
      settled.set(id, Promise.resolve());
      p = check ? runOne(check) : Promise.resolve();
      settled.set(id, p);
    }
    return p;
  };

  await Promise.all(checks.map((c) => start(c.id)));
  const ordered = checks.map((c) => results.get(c.id)).filter((r) => r !== undefined);
  return { checks: ordered.map((r) => r.record), findings: ordered.flatMap((r) => r.findings) };
}

/** `turn.allocate` -> `turn/allocate`: the code of a check's own pass/skip/info findings. */
export const codeOf = (checkId: string): string => checkId.replace('.', '/');
