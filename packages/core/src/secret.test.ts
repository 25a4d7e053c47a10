import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret } from './secret.js';
import { redact } from './redact.js';
import { buildReport } from './report.js';

describe('Secret', () => {
  it('never shows its value through JSON, strings or inspect', () => {
    const s = new Secret('hunter2');
    expect(JSON.stringify({ s })).not.toContain('hunter2');
    expect(`${s}`).not.toContain('hunter2');
    expect(inspect({ s })).not.toContain('hunter2');
    expect(s.reveal()).toBe('hunter2');
  });

  it('is removed from a report target', () => {
    const report = buildReport({
      version: '0.0.0',
      mode: 'live',
      target: { external: 'a.example.com', turnUser: 'u', turnPassword: new Secret('hunter2') },
      startedAt: new Date(0),
      durationMs: 1,
      checks: [],
      findings: [],
      fixes: new Map(),
    });
    expect(JSON.stringify(report)).not.toContain('hunter2');
    expect(report.target.turnPassword).toBe('[redacted]');
  });

  it('redacts nested secret-named fields and keeps the rest', () => {
    expect(redact({ a: 1, hmac: 'ff', list: [{ messageIntegrity: 'aa', type: 'Allocate' }] })).toEqual({
      a: 1,
      hmac: '[redacted]',
      list: [{ messageIntegrity: '[redacted]', type: 'Allocate' }],
    });
  });
});
