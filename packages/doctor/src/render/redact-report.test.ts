import { describe, expect, it } from 'vitest';
import type { Report } from '@cms-doctor/core';
import { addressesIn, redactReport } from './redact-report.js';

const report = (over: Partial<Report> = {}): Report => ({
  schemaVersion: 1,
  tool: { name: 'cms-doctor', version: '0' },
  mode: 'live',
  target: { external: 'cmsweb.example.com', internalDomain: 'cms.example.local', edge: '[2001:db8::5]:443', turnUser: 'alice' },
  startedAt: '2026-01-01T00:00:00Z',
  durationMs: 1,
  summary: { pass: 0, info: 0, warn: 0, fail: 1, error: 0, skip: 0 } as Report['summary'],
  checks: [],
  findings: [
    {
      check: 'turn.allocate',
      code: 'turn/integrity-check-failure',
      status: 'fail',
      title: 'TURN Allocate answered 431',
      detail: 'From 192.0.2.7:3478 to CMSWEB.EXAMPLE.COM for user alice; web bridge cmsweb.cms.example.local at 2001:db8::5',
      subject: '192.0.2.7:3478',
      evidence: [{ kind: 'stun', server: '192.0.2.7:3478', username: 'alice', frame: 6 }],
      fixes: ['turn-credentials'],
      source: 'live',
      basis: 'measured',
      needs: [],
    },
  ],
  fixes: { 'turn-credentials': { title: 'Fix the password of turnuser', steps: [], reference: '' } },
  ...over,
});

describe('redactReport', () => {
  it('replaces names and addresses consistently and keeps the verdicts', () => {
    const { report: r, map } = redactReport(report());
    const f = r.findings[0]!;
    expect([f.check, f.code, f.status, f.fixes]).toEqual(['turn.allocate', 'turn/integrity-check-failure', 'fail', ['turn-credentials']]);
    expect(r.fixes).toEqual(report().fixes);
    expect(r.target.external).toBe(map['cmsweb.example.com']);
    expect(map['cmsweb.example.com']).toMatch(/^host-\d+\.domain-\d+$/);
    // Case-insensitive for names; the same input gives the same token.
    expect(f.detail).toBe(
      `From ${map['192.0.2.7']}:3478 to ${map['cmsweb.example.com']} for user ${map.alice}; web bridge ${map['cmsweb.cms.example.local']} at ${map['2001:db8::5']}`,
    );
    expect(map['cmsweb.cms.example.local']).toBe(`host-2.${map['cms.example.local']}`);
    expect(r.target.edge).toBe(`[${map['2001:db8::5']}]:443`);
    expect(f.evidence[0]).toEqual({ kind: 'stun', server: `${map['192.0.2.7']}:3478`, username: map.alice, frame: 6 });
    expect(JSON.stringify(r)).not.toMatch(/example|192\.0\.2|2001:db8|alice/i);
  });

  it('finds IPv4 and IPv6 literals, not times or fingerprints', () => {
    expect(addressesIn('at 19:43:21.805 from [fe80::1]:5 and 10.1.2.3:80, AB:CD:EF:01:23:45')).toEqual(['10.1.2.3', 'fe80::1']);
  });
});
