/** Numeric parts of a version such as `2.9.1`, `3.8`, `2.0(RC)` or `X12.6.1`. */
export function versionParts(v: string | undefined): number[] | undefined {
  const m = /^\s*[Xx]?(\d+(?:\.\d+)*)/.exec(v ?? '');
  return m?.[1] ? m[1].split('.').map(Number) : undefined;
}

/** -1, 0, 1 comparing two part lists; missing parts count as 0. */
export function compareParts(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export const MIN_CMS = [2, 1, 4] as const;
/** CMS up to this probes TURN with Binding requests, which Expressway X12.6.1+ refuses. */
export const LAST_BINDING_PROBE_CMS = [2, 9, 2] as const;
export const EXPRESSWAY_STRICT_TURN = [12, 6, 1] as const;

export type VersionVerdict =
  | { verdict: 'unknown'; reason: string }
  | { verdict: 'too-old'; reason: string }
  | { verdict: 'expressway-incompatible'; reason: string }
  | { verdict: 'check-expressway'; reason: string }
  | { verdict: 'ok'; reason: string };

/** The document's and TAC 210800's version rules, as a pure function. */
export function judgeCmsVersion(cms: string | undefined, expressway?: string): VersionVerdict {
  const c = versionParts(cms);
  if (!c) return { verdict: 'unknown', reason: `CMS version ${JSON.stringify(cms ?? '')} is not a version number` };
  if (compareParts(c, MIN_CMS) < 0)
    return { verdict: 'too-old', reason: `CMS ${cms} is older than 2.1.4, the minimum for proxy WebRTC through Expressway` };
  if (compareParts(c, LAST_BINDING_PROBE_CMS) <= 0) {
    const e = versionParts(expressway);
    if (e && compareParts(e, EXPRESSWAY_STRICT_TURN) >= 0)
      return {
        verdict: 'expressway-incompatible',
        reason: `CMS ${cms} (2.9.2 or earlier) with Expressway ${expressway} (X12.6.1 or later) is not supported: the Expressway no longer answers the TURN probes this CMS sends`,
      };
    if (!e)
      return {
        verdict: 'check-expressway',
        reason: `CMS ${cms} is 2.9.2 or earlier: it is not supported with Expressway X12.6.1 or later; the Expressway version is not known here`,
      };
  }
  return { verdict: 'ok', reason: `CMS ${cms} meets the version requirements` };
}
