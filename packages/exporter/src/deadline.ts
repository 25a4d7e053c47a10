/** Header Prometheus sends with every scrape: the scrape_timeout in seconds. */
export const SCRAPE_TIMEOUT_HEADER = 'x-prometheus-scrape-timeout-seconds';

export interface DeadlineOptions {
  /** Seconds kept back from Prometheus' timeout to answer in time (blackbox: --timeout-offset). */
  offsetSeconds: number;
  /** Deadline when no header came (a person with curl). */
  defaultSeconds: number;
  /** Upper bound whatever the header says. */
  maxSeconds: number;
}

/** Floor of a probe deadline: below it no check can decide, so the answer is "undecided" at once. */
export const MIN_DEADLINE_MS = 100;

/**
 * The probe's deadline in ms: Prometheus' scrape timeout minus the offset, like
 * blackbox_exporter. A missing or unreadable header falls back to the default.
 */
export function probeDeadlineMs(header: string | string[] | undefined, opts: DeadlineOptions): number {
  const raw = Array.isArray(header) ? header[0] : header;
  const scrape = raw !== undefined && raw.trim() !== '' ? Number(raw) : NaN;
  const seconds = Number.isFinite(scrape) && scrape > 0 ? scrape - opts.offsetSeconds : opts.defaultSeconds;
  return Math.max(MIN_DEADLINE_MS, Math.round(Math.min(seconds, opts.maxSeconds) * 1000));
}
