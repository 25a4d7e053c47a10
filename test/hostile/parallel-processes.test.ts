import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';

// Issue 11, item 13: parallel `triage` processes on a 2-core machine ran far past their deadline
// and gained `error` findings a lone run does not have. Each process now loads only what its
// inputs need (docs/decisions/cli-bundle.md), and an offline run no longer cuts its parsers at
// half the deadline to keep time for the cheap checks that wait on them.
const BUNDLE = fileURLToPath(new URL('../../fixtures/bundles/media-never-flows', import.meta.url));
const PARALLEL = 8;
const TIMEOUT_S = 15;

const verdicts = (stdout: string): string[] =>
  (JSON.parse(stdout) as { findings: { code: string; status: string }[] }).findings.map((f) => `${f.code} ${f.status}`);

describe('parallel triage processes', () => {
  it(`${PARALLEL} at once each end within the deadline with the verdicts of a lone run`, async () => {
    const args = ['triage', join(BUNDLE), '--timeout', String(TIMEOUT_S), '--format', 'json'];
    const lone = await spawnCli(args);
    expect(verdicts(lone.stdout).some((v) => v.endsWith(' error'))).toBe(false);
    const runs = await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        const t0 = performance.now();
        const r = await spawnCli(args);
        return { ...r, ms: performance.now() - t0 };
      }),
    );
    for (const r of runs) {
      expect(r.code).toBe(lone.code);
      expect(verdicts(r.stdout)).toEqual(verdicts(lone.stdout));
      expect(r.ms).toBeLessThan(TIMEOUT_S * 1000);
    }
  }, 60_000);
});
