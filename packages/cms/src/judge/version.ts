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

/** CMS older than this is not supported for proxy WebRTC through Expressway at all. */
export const MIN_CMS = [2, 1, 4] as const;
/**
 * CONTRACT.md (cms/version-unsupported): with Expressway X12.6.1 and later, CMS older than 2.8.4,
 * and 2.9.0-2.9.2, probe TURN with unauthenticated Binding requests (CSCvv01243), which the
 * Expressway refuses; 2.8.4, 2.9.3 and 3.x are fixed.
 */
export const FIXED_2_8 = [2, 8, 4] as const;
export const FIXED_2_9 = [2, 9, 3] as const;
export const EXPRESSWAY_STRICT_TURN = [12, 6, 1] as const;

export type VersionVerdict =
  | { verdict: 'unknown'; reason: string }
  | { verdict: 'too-old'; reason: string }
  | { verdict: 'expressway-incompatible'; reason: string }
  | { verdict: 'check-expressway'; reason: string }
  | { verdict: 'ok'; reason: string };

/** Whether this CMS probes TURN with the Binding requests Expressway X12.6.1+ refuses. */
export function bindingProbeCms(c: readonly number[]): boolean {
  if (compareParts(c, FIXED_2_8) < 0) return true; // older than 2.8.4
  const [major, minor] = c;
  return major === 2 && minor === 9 && compareParts(c, FIXED_2_9) < 0; // 2.9.0-2.9.2
}

/** The contract's version rule, as a pure function. */
export function judgeCmsVersion(cms: string | undefined, expressway?: string): VersionVerdict {
  const c = versionParts(cms);
  if (!c) return { verdict: 'unknown', reason: `CMS version ${JSON.stringify(cms ?? '')} is not a version number` };
  if (compareParts(c, MIN_CMS) < 0)
    return { verdict: 'too-old', reason: `CMS ${cms} is older than 2.1.4, the minimum for proxy WebRTC through Expressway` };
  if (bindingProbeCms(c)) {
    const e = versionParts(expressway);
    if (e && compareParts(e, EXPRESSWAY_STRICT_TURN) >= 0)
      return {
        verdict: 'expressway-incompatible',
        reason: `CMS ${cms} (older than 2.8.4, or 2.9.0-2.9.2) with Expressway ${expressway} (X12.6.1 or later) is not supported: the Expressway no longer answers the TURN Binding requests this CMS sends (CSCvv01243); 2.8.4, 2.9.3 and 3.x are fixed`,
      };
    if (e)
      return {
        verdict: 'ok',
        reason: `CMS ${cms} with Expressway ${expressway} (earlier than X12.6.1) meets the version requirements; upgrading the Expressway to X12.6.1 or later would need CMS 2.8.4, 2.9.3 or 3.x`,
      };
    return {
      verdict: 'check-expressway',
      reason: `CMS ${cms} (older than 2.8.4, or 2.9.0-2.9.2) does not work with Expressway X12.6.1 or later (CSCvv01243); the Expressway version is unknown here, so this is not decided: check it, or upgrade CMS to 2.8.4, 2.9.3 or 3.x`,
    };
  }
  return {
    verdict: 'ok',
    reason: `CMS ${cms} is 2.1.4 or later and not affected by CSCvv01243 (2.8.4, 2.9.3 and 3.x are fixed), whatever the Expressway version`,
  };
}
