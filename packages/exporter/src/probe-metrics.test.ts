import { describe, expect, it } from 'vitest';
import type { Finding, Report, Status } from '@cms-doctor/core';
import { probeSamples, PROBE_METRICS, type Sample } from './probe-metrics.js';

const finding = (check: string, code: string, status: Status, evidence: Finding['evidence'] = []): Finding => ({
  check,
  code,
  status,
  title: 'free text with spaces and a "quote" that must never become a label',
  evidence,
  fixes: [],
  source: 'live',
  basis: 'documented',
  needs: [],
});

const report = (findings: Finding[]): Report => ({
  schemaVersion: 1,
  tool: { name: 'cms-doctor', version: 'test' },
  mode: 'live',
  target: {},
  startedAt: new Date(0).toISOString(),
  durationMs: 1,
  summary: { pass: 0, warn: 0, fail: 0, error: 0, skip: 0, info: 0 },
  checks: [...new Set(findings.map((f) => f.check))].map((id) => ({
    id,
    area: id.split('.')[0] as 'turn',
    status: findings.filter((f) => f.check === id).some((f) => f.status === 'fail')
      ? 'fail'
      : (findings.find((f) => f.check === id)?.status ?? 'pass'),
    durationMs: 1,
  })),
  findings,
  fixes: {},
});

const get = (s: Sample[], name: string, labels: Record<string, string> = {}): number | undefined =>
  s.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v))?.value;

const rejected431 = (transport: string) => ({
  kind: 'turn-probe',
  server: '127.0.0.1:3478',
  transport,
  outcome: 'rejected',
  durationMs: 40,
  code: 431,
  codeName: 'Integrity Check Failure',
});

describe('probeSamples', () => {
  it('a healthy report: success, allocation time and code 0 per transport, media RTT, DNS views, alarms', () => {
    const s = probeSamples({
      durationSeconds: 0.5,
      report: report([
        finding('turn.allocate', 'turn/allocate', 'pass', [{ kind: 'turn-probe', transport: 'udp', outcome: 'allocated', durationMs: 80 }]),
        finding('turn.media-path', 'turn/media-path', 'pass', [{ kind: 'media-path', outcome: 'returned', rttMs: 3 }]),
        finding('dns.webbridge', 'dns/webbridge', 'pass', [
          { kind: 'dns-lookup', view: 'internal' },
          { kind: 'dns-lookup', view: 'external' },
        ]),
        finding('cms.alarms', 'cms/alarms', 'pass'),
      ]),
    });
    expect(get(s, 'probe_success')).toBe(1);
    expect(get(s, 'cms_doctor_probe_undecided')).toBe(0);
    expect(get(s, 'cms_doctor_turn_error_code', { transport: 'udp' })).toBe(0);
    expect(get(s, 'cms_doctor_turn_allocate_seconds', { transport: 'udp' })).toBe(0.08);
    expect(get(s, 'cms_doctor_turn_media_rtt_seconds')).toBe(0.003);
    expect(get(s, 'cms_doctor_dns_view_expected', { view: 'internal' })).toBe(1);
    expect(get(s, 'cms_doctor_cms_alarms')).toBe(0);
    expect(get(s, 'cms_doctor_check_status', { check: 'turn.allocate', status: 'pass' })).toBe(1);
    expect(get(s, 'cms_doctor_check_status', { check: 'turn.allocate', status: 'fail' })).toBe(0);
  });

  it('STUN 431: decided failure with the code per transport, not undecided', () => {
    const s = probeSamples({
      durationSeconds: 0.2,
      report: report([
        finding('turn.allocate', 'turn/integrity-check-failure', 'fail', [rejected431('udp')]),
        finding('turn.allocate', 'turn/integrity-check-failure', 'fail', [rejected431('tls')]),
      ]),
    });
    expect(get(s, 'probe_success')).toBe(0);
    expect(get(s, 'cms_doctor_probe_undecided')).toBe(0);
    expect(get(s, 'cms_doctor_turn_error_code', { transport: 'udp' })).toBe(431);
    expect(get(s, 'cms_doctor_turn_error_code', { transport: 'tls' })).toBe(431);
    expect(get(s, 'cms_doctor_findings', { code: 'turn/integrity-check-failure', status: 'fail' })).toBe(2);
  });

  it('only errors (a check could not decide) or no report: undecided, never down', () => {
    for (const s of [
      probeSamples({ durationSeconds: 1, report: report([finding('turn.allocate', 'turn/check-error', 'error')]) }),
      probeSamples({ durationSeconds: 1 }),
      probeSamples({ durationSeconds: 1, report: report([finding('cms.mmp-ssh', 'cms/mmp-ssh', 'skip')]) }),
    ]) {
      expect(get(s, 'probe_success')).toBe(0);
      expect(get(s, 'cms_doctor_probe_undecided')).toBe(1);
    }
  });

  it('an undecided alarms check gives no alarm count; a failing DNS view gives 0 for that view only', () => {
    const s = probeSamples({
      durationSeconds: 1,
      report: report([
        finding('cms.alarms', 'cms/check-error', 'error'),
        finding('dns.webbridge', 'dns/internal-not-cms', 'fail', [{ kind: 'dns-lookup', view: 'internal' }]),
        finding('dns.webbridge', 'dns/webbridge', 'pass', [{ kind: 'dns-lookup', view: 'external' }]),
      ]),
    });
    expect(get(s, 'cms_doctor_cms_alarms')).toBeUndefined();
    expect(get(s, 'cms_doctor_dns_view_expected', { view: 'internal' })).toBe(0);
    expect(get(s, 'cms_doctor_dns_view_expected', { view: 'external' })).toBe(1);
  });

  it('certificate expiry per endpoint from the leaf notAfter', () => {
    const s = probeSamples({
      durationSeconds: 1,
      report: report([
        finding('cert.edge', 'cert/edge', 'pass', [
          { kind: 'tls-endpoint', address: '127.0.0.1:443', servername: 'cmsweb.example.com' },
          { kind: 'certificate', position: 0, notAfter: '2030-01-01T00:00:00.000Z' },
          { kind: 'certificate', position: 1, notAfter: '2040-01-01T00:00:00.000Z' },
        ]),
      ]),
    });
    expect(get(s, 'cms_doctor_cert_expiry_timestamp_seconds', { check: 'cert.edge', endpoint: '127.0.0.1:443' })).toBe(
      Date.UTC(2030, 0, 1) / 1000,
    );
  });

  it('labels are bounded: declared names only, no spaces, no free text', () => {
    const s = probeSamples({
      durationSeconds: 1,
      report: report([finding('turn.allocate', 'turn/integrity-check-failure', 'fail', [rejected431('udp')])]),
    });
    for (const x of s) {
      expect(Object.keys(x.labels).sort()).toEqual([...PROBE_METRICS[x.name as keyof typeof PROBE_METRICS].labels].sort());
      for (const v of Object.values(x.labels)) expect(v).toMatch(/^[A-Za-z0-9._:/\-[\]]+$/);
    }
  });
});
