/**
 * The resource limits of one triage run. They hold for the whole run, nested archives
 * included: a bomb split over ten archives meets the same caps as one big archive.
 */
export interface TriageLimits {
  /** Archive members extracted, all archives together. */
  maxEntries: number;
  /** Bytes written to the temp folder, all archives together. */
  maxBytes: number;
  /** Archives inside archives. */
  maxDepth: number;
  /** Files listed in the report (inputs plus extracted members). */
  maxFiles: number;
}

export const DEFAULT_TRIAGE_LIMITS: TriageLimits = {
  maxEntries: 10_000,
  maxBytes: 2 * 1024 ** 3,
  maxDepth: 3,
  maxFiles: 20_000,
};

/** What is left of the run's limits; every extraction draws from the same budget. */
export class ExtractionBudget {
  entries = 0;
  bytes = 0;
  constructor(readonly limits: TriageLimits) {}

  /** Takes one member; false when the run has extracted its last allowed member. */
  takeEntry(): boolean {
    if (this.entries >= this.limits.maxEntries) return false;
    this.entries += 1;
    return true;
  }

  /** Takes `n` bytes about to be written; false (taking nothing) when they would pass the cap. */
  takeBytes(n: number): boolean {
    if (this.bytes + n > this.limits.maxBytes) return false;
    this.bytes += n;
    return true;
  }

  /** The sentence a report gives when a limit stopped extraction. */
  entriesReached(): string {
    return `the run's limit of ${this.limits.maxEntries} extracted members was reached (raise it with --max-extract-entries)`;
  }
  bytesReached(): string {
    return `the run's limit of ${this.limits.maxBytes} extracted bytes was reached (raise it with --max-extract-bytes)`;
  }
}
