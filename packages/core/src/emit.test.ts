import { describe, expect, it } from 'vitest';
import { emitterFor, UnknownCodeError } from './emit.js';
import type { CodeInfo } from './model.js';

const table: CodeInfo[] = [
  { code: 'turn/unreachable', title: 'No answer', status: 'fail', statuses: ['warn'], fixes: ['a', 'b'], basis: 'documented' },
];
const emit = emitterFor(table);

describe('emitterFor', () => {
  it('takes title, status, basis and fixes from the table entry', () => {
    expect(emit('turn/unreachable', { detail: 'UDP 3478 silent', subject: 'x:3478/udp' })).toEqual({
      code: 'turn/unreachable',
      status: 'fail',
      title: 'No answer',
      detail: 'UDP 3478 silent',
      subject: 'x:3478/udp',
      evidence: [],
      fixes: ['a', 'b'],
      basis: 'documented',
    });
  });
  it('lets evidence choose an allowed status and a subset of the fixes', () => {
    expect(emit('turn/unreachable', { detail: 'd', status: 'warn', fixes: ['b'] })).toMatchObject({ status: 'warn', fixes: ['b'] });
  });
  it('refuses an unknown code, a status the entry does not allow and a fix it does not list', () => {
    expect(() => emit('turn/nope', { detail: 'd' })).toThrow(UnknownCodeError);
    expect(() => emit('turn/unreachable', { detail: 'd', status: 'pass' })).toThrow(/status pass/);
    expect(() => emit('turn/unreachable', { detail: 'd', status: 'info' })).toThrow(/check's own code/);
    expect(() => emit('turn/unreachable', { detail: 'd', fixes: ['c'] })).toThrow(/fix c/);
  });
});
