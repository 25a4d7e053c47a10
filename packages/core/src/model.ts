/** The vocabulary shared by every package: what a check reports and how. */

export const AREAS = ['dns', 'cert', 'turn', 'cms', 'webbridge', 'expressway', 'triage', 'browser'] as const;
export type Area = (typeof AREAS)[number];

/** `error` means the check itself could not decide (timeout, crash, refused input). */
export type Status = 'pass' | 'warn' | 'fail' | 'error' | 'skip' | 'info';
export const STATUSES: readonly Status[] = ['pass', 'warn', 'fail', 'error', 'skip', 'info'];

/** Where a diagnosis comes from: a Cisco document, field observation, or this tool's inference. */
export type Basis = 'documented' | 'field' | 'inferred';

/** One raw fact behind a finding. JSON-serialisable; secrets never appear here. */
export interface Evidence {
  kind: string;
  [key: string]: unknown;
}

export interface Finding {
  /** Id of the check that produced it, e.g. `turn.allocate`. */
  check: string;
  /** Stable outcome code `area/kebab-name`; problem codes have a docs page. */
  code: string;
  status: Status;
  /** One line of plain text. */
  title: string;
  detail?: string;
  /** What was examined: a name, an address:port, a file:line. */
  subject?: string;
  evidence: Evidence[];
  /** Fix ids from the catalogue. */
  fixes: string[];
  source: 'live' | 'offline';
  basis: Basis;
  /** For `skip`: the inputs that would enable the check. */
  needs: string[];
}

/** What a check returns for one finding; the runner fills in `check` and `source`. */
export type FindingDraft = Omit<Finding, 'check' | 'source' | 'evidence' | 'fixes' | 'basis' | 'needs'> &
  Partial<Pick<Finding, 'evidence' | 'fixes' | 'basis' | 'needs'>>;

export interface Fix {
  id: string;
  title: string;
  steps: string[];
  /** The section of the source document or the Cisco document the fix comes from. */
  reference: string;
}

/** A problem code: what `explain` prints and what docs/findings/<area>/<name>.md documents. */
export interface CodeInfo {
  code: string;
  title: string;
  /** The status a finding with this code normally carries. */
  status: Extract<Status, 'warn' | 'fail' | 'error' | 'info'>;
  /** Other statuses a check may give it, chosen by evidence (e.g. `warn` for a transport the deployment may not use). */
  statuses?: readonly Status[];
  /** Every fix that can apply; a finding carries the subset its evidence supports. */
  fixes: string[];
  basis: Basis;
}
