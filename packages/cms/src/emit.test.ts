import { describe, expect, it } from 'vitest';
import { ALARM_RULES, UNKNOWN_ALARM } from './judge/alarms.js';
import { SIGNATURES } from './logs/signatures.js';
import { emit } from './emit.js';

// Rule 4: every status and fix set a data table can ask for must be one its code's entry allows,
// or the emitter throws at run time on real data.
describe('the alarm and log-signature tables agree with the code tables', () => {
  it.each(Object.entries({ ...ALARM_RULES, unknown: UNKNOWN_ALARM }))('alarm %s', (_type, rule) => {
    expect(() => emit(rule.code, { detail: 'x', status: rule.status, fixes: rule.fixes })).not.toThrow();
  });
  it.each(SIGNATURES.filter((s) => s.code !== undefined && s.code !== 'self' && s.status !== 'info').map((s) => [s.id, s] as const))(
    'log signature %s',
    (_id, s) => {
      expect(() => emit(s.code!, { detail: 'x', ...(s.status ? { status: s.status } : {}), fixes: s.fixes ?? [] })).not.toThrow();
    },
  );
});
