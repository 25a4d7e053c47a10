import type { Area, FindingDraft, Finding, Fix, CodeInfo } from './model.js';
import type { Target, TargetKey } from './target.js';
import type { TriageFile } from './triage.js';

export interface CheckContext {
  readonly target: Readonly<Target>;
  /** Aborts at this check's deadline or when the whole run is cancelled. Pass it to every I/O call. */
  readonly signal: AbortSignal;
  /** Epoch ms at which `signal` aborts; lets a probe budget its retransmissions. */
  readonly deadline: number;
  readonly mode: 'live' | 'offline';
  /** Data published by a check listed in `after` (undefined if it published none or failed). */
  get<T>(checkId: string): T | undefined;
  /** Offline runs: the input files recognised as one of these kinds. */
  files(...kinds: string[]): readonly TriageFile[];
}

export interface CheckOutcome<T = unknown> {
  findings: FindingDraft[];
  /** Published for checks that list this one in `after`. */
  data?: T;
  /**
   * Inputs a live collector gathered (MMP screens, certificate files), seen by the checks that
   * run after it through `files()` exactly as triage inputs are.
   */
  files?: readonly TriageFile[];
}

export type CheckInput = TargetKey | `file:${string}`;

/** A check is data: identity, inputs, dependencies, and one async function. */
export interface Check<T = unknown> {
  /** Stable id, `area.name`, e.g. `turn.allocate`. */
  readonly id: string;
  readonly title: string;
  readonly area: Area;
  /** Live (`run`) or offline (`triage`); a check may serve both. */
  readonly modes: readonly ('live' | 'offline')[];
  /**
   * Inputs that must all be present, else the check is skipped with these as `needs`.
   * `file:<kind>` means at least one triage input of that kind.
   */
  readonly needs: readonly CheckInput[];
  /** Any one of these groups must be complete (e.g. `turn` or `edge` for the TURN address). */
  readonly needsAny?: readonly (readonly CheckInput[])[];
  /** Checks whose published data this one reads; it starts after they settle. */
  readonly after?: readonly string[];
  /** File kinds this check gathers live (published as `files`); `--only` keeps it for the checks that read them. */
  readonly collects?: readonly string[];
  /** Own deadline in ms; the runner's default otherwise. */
  readonly timeoutMs?: number;
  run(ctx: CheckContext): Promise<FindingDraft[] | CheckOutcome<T>>;
}

export const defineCheck = <T = unknown>(check: Check<T>): Check<T> => check;

/** What a package contributes to the doctor: its checks, fixes, problem codes and file recognisers. */
export interface Plugin {
  readonly name: string;
  readonly checks: readonly Check<unknown>[];
  readonly fixes?: readonly Fix[];
  readonly codes?: readonly CodeInfo[];
  readonly recognisers?: readonly import('./triage.js').Recogniser[];
}

export type { Finding };

/** A check's identity and inputs without its code: what listing, planning and skipping need. */
export type CheckMeta = Omit<Check<unknown>, 'run'>;

/**
 * A check whose implementation module is imported on its first run: the catalogue lists every
 * check, but a command loads only the code (and the libraries) of the checks it runs.
 */
export function lazyCheck(meta: CheckMeta, load: () => Promise<Check<unknown>>): Check<unknown> {
  let loaded: Promise<Check<unknown>> | undefined;
  return {
    ...meta,
    async run(ctx) {
      loaded ??= load();
      return (await loaded).run(ctx);
    },
  };
}
