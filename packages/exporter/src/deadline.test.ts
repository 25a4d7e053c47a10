import { describe, expect, it } from 'vitest';
import { probeDeadlineMs, MIN_DEADLINE_MS } from './deadline.js';

const opts = { offsetSeconds: 0.5, defaultSeconds: 10, maxSeconds: 120 };

describe('probeDeadlineMs', () => {
  it("Prometheus' scrape timeout minus the offset", () => {
    expect(probeDeadlineMs('2', opts)).toBe(1500);
    expect(probeDeadlineMs('15.5', opts)).toBe(15000);
  });
  it('no or unreadable header: the default; never above the maximum, never below the floor', () => {
    expect(probeDeadlineMs(undefined, opts)).toBe(10000);
    expect(probeDeadlineMs('soon', opts)).toBe(10000);
    expect(probeDeadlineMs('-3', opts)).toBe(10000);
    expect(probeDeadlineMs('600', opts)).toBe(120000);
    expect(probeDeadlineMs('0.5', opts)).toBe(MIN_DEADLINE_MS);
  });
});
