/**
 * What a support engineer sees around the findings: the order of the report, the skip lines,
 * progress only when asked, and usage errors that name things once and correctly.
 */
import { describe, expect, it } from 'vitest';
import { buildReport, type Finding } from '@cms-doctor/core';
import { renderMarkdown, renderText } from '@cms-doctor/doctor';
import { withoutCamelTwins } from '@cms-doctor/doctor/cli';
import { runCli } from '../helpers/cli.js';

const finding = (status: Finding['status'], code: string, title: string, extra: Partial<Finding> = {}): Finding => ({
  check: code.replace('/', '.'),
  code,
  status,
  title,
  evidence: [],
  fixes: [],
  source: 'live',
  basis: 'documented',
  needs: [],
  ...extra,
});

const report = buildReport({
  version: '0.0.0',
  mode: 'live',
  target: { external: 'cmsweb.example.com' },
  startedAt: new Date(0),
  durationMs: 1,
  checks: [],
  fixes: new Map(),
  findings: [
    finding('pass', 'dns/webbridge', 'both views answer'),
    finding('info', 'dns/srv', 'a note that is not a problem'),
    finding('error', 'turn/check-error', 'A turn check could not decide', { subject: 'TURN Allocate', detail: 'no decision within 9.6 s' }),
    finding('warn', 'cert/expiring-soon', 'expires soon'),
    finding('skip', 'cms/spaces', 'At least one space exists: skipped', { needs: ['cmsApi', 'webbridge|cmsAddress'] }),
    finding('fail', 'turn/integrity-check-failure', 'TURN Allocate answered 431 Integrity Check Failure'),
  ],
});

describe('report order and wording', () => {
  it('orders findings fail, warn, undecided, pass, info, skip in JSON', () => {
    expect(report.findings.map((f) => f.status)).toEqual(['fail', 'warn', 'error', 'pass', 'info', 'skip']);
  });

  it('text: problems first, a timeout on one line in seconds, notes folded, skips naming every alternative', () => {
    const text = renderText(report, { color: false });
    const order = ['431 Integrity', 'expires soon', 'could not decide', 'both views answer'].map((s) => text.indexOf(s));
    expect(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]!))).toBe(true);
    expect(text).toMatch(/\? A turn check could not decide {2}\[TURN Allocate\]: no decision within 9\.6 s {2}\(turn\/check-error\)/);
    expect(text).not.toContain('a note that is not a problem');
    expect(text).toContain('1 note(s), not problems: --verbose shows them');
    expect(renderText(report, { color: false, verbose: true })).toContain('a note that is not a problem');
    expect(text).toContain('needs --cms-api, --webbridge or --cms-address');
    // `explain` is offered for problem codes only: it knows nothing of a check's own pass code.
    expect(text).toContain('cms-doctor explain turn/integrity-check-failure');
    expect(renderText(report, { color: false, verbose: true })).not.toContain('explain dns/webbridge');
    expect(text).not.toMatch(/CMSD_|live · \n/);
  });

  it('markdown: the first problem is the failure; notes and skips are folded', () => {
    const md = renderMarkdown(report);
    expect(/^#### \S+ `([^`]+)`/m.exec(md)?.[1]).toBe('turn/integrity-check-failure');
    expect(md.indexOf('<details><summary>Notes and skipped')).toBeGreaterThan(md.indexOf('### Passed'));
  });
});

describe('command-line polish', () => {
  it('checks takes --no-color and lists every problem code and fix it promises', async () => {
    const r = await runCli(['checks', '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Problem codes \(\d+\)$/m);
    expect(r.stdout).toMatch(/^turn\/integrity-check-failure +fail +TURN Allocate answered 431/m);
    expect(r.stdout).toMatch(/^turn-credentials +/m);
  });

  it('names an unknown flag once, as typed', async () => {
    const r = await runCli(['run', '--external', 'a.example.com', '--bogus-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown argument: bogus-flag\n');
    expect(withoutCamelTwins('Unknown arguments: bogus-flag, bogusFlag, x-y, xY')).toBe('Unknown arguments: bogus-flag, x-y');
  });

  it('probe turn without a password names the flags probe turn has', async () => {
    const r = await runCli(['probe', 'turn', '127.0.0.1:9', '--user', 'u']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--password-file');
    expect(r.stderr).not.toContain('--turn-password-file');
  });

  it('prints no progress on a stderr that is not a terminal unless --progress asks', async () => {
    const args = ['triage', 'fixtures/cms/mmp', '--format', 'json'];
    expect((await runCli(args)).stderr).toBe('');
    expect((await runCli([...args, '--progress'])).stderr).toMatch(/^\[\w+\] cms\.\S+ \(\d+ ms\)$/m);
  });
});
