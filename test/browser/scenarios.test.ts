/**
 * The lab scenarios for the certificate, guest URI and TURN failures, verified through the
 * browser: `cms-doctor verify` (in-process) against each, with Chromium from the Debian package.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLab } from '@cms-doctor/lab';
import type { Report } from '@cms-doctor/core';
import { runCli } from '../helpers/cli.js';
import { hasPeer } from '../helpers/peers.js';

const HAVE_CHROMIUM = hasPeer('chromium') && hasPeer('certutil');
const PROBLEM = new Set(['warn', 'fail', 'error']);

/** scenario -> the problem codes the browser alone must report (nothing else may be a problem). */
const CASES: [string, string[]][] = [
  ['healthy', []],
  ['edge-self-signed', ['cert/untrusted']],
  ['edge-san-missing', ['cert/san-missing']],
  ['edge-cert-expired', ['cert/expired']],
  ['edge-chain-incomplete', ['cert/untrusted']],
  ['guest-uri-internal', ['expressway/guest-uri-internal']],
  ['turn-wrong-password', ['turn/integrity-check-failure']],
  ['turn-udp-blocked', ['turn/unreachable']],
  ['media-ports-blocked', ['turn/media-path-blocked']],
];

export async function verifyLab(scenario: string, extra: string[] = []): Promise<{ report: Report; code: number; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'cmsd-verify-'));
  const lab = await startLab({ scenario, dir });
  try {
    const r = await runCli(['verify', '--config', lab.configPath, '--format', 'json', ...extra]);
    return { report: JSON.parse(r.stdout) as Report, code: r.code, stderr: r.stderr };
  } finally {
    await lab.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!HAVE_CHROMIUM)('cms-doctor verify against the lab scenarios', () => {
  it.each(CASES)('%s', { timeout: 60_000 }, async (scenario, codes) => {
    const { report, code } = await verifyLab(scenario);
    const problems = report.findings.filter((f) => PROBLEM.has(f.status));
    expect([...new Set(problems.map((f) => f.code))].sort(), JSON.stringify(problems, null, 1).slice(0, 2000)).toEqual([...codes].sort());
    expect(report.checks.map((c) => c.id).sort()).toEqual(['browser.media', 'browser.page']);
    for (const f of problems) expect(f.check.startsWith('browser.')).toBe(true);
    if (codes.length === 0) {
      expect(code).toBe(0);
      expect(report.findings.map((f) => [f.code, f.status])).toEqual([
        ['browser/page', 'pass'],
        ['browser/media', 'pass'],
      ]);
      const media = report.findings.find((f) => f.code === 'browser/media');
      // Relay candidates over UDP and TCP, each with ten pings answered.
      const ev = (media?.evidence ?? []) as { transport?: string; pingsAnswered?: number; relayCandidates?: string[] }[];
      expect(ev.map((e) => [e.transport, e.pingsAnswered])).toEqual([
        ['udp', 10],
        ['tcp', 10],
      ]);
      for (const e of ev) for (const c of e.relayCandidates ?? []) expect(c).toMatch(/^127\./);
    } else expect(code).toBe(1);
  });
});
