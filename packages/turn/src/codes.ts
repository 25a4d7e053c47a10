import type { CodeInfo } from '@cms-doctor/core';

/** Problem codes this package adds beyond the contract's (those live in core/src/codes.ts). */
export const TURN_CODES: readonly CodeInfo[] = [
  {
    code: 'turn/wrong-credentials',
    title: 'The TURN server answered 441 Wrong Credentials',
    status: 'fail',
    fixes: ['turn-credentials'],
    basis: 'inferred',
  },
  { code: 'turn/stale-nonce', title: 'The TURN server kept answering 438 Stale Nonce', status: 'fail', fixes: [], basis: 'inferred' },
  {
    code: 'turn/allocation-mismatch',
    title: 'The TURN server answered 437 Allocation Mismatch to a new allocation',
    status: 'fail',
    fixes: [],
    basis: 'inferred',
  },
  { code: 'turn/unsupported-transport', title: 'The TURN server refused to relay UDP (442)', status: 'fail', fixes: [], basis: 'inferred' },
  {
    code: 'turn/allocation-quota-reached',
    title: 'The TURN user has reached its allocation quota (486)',
    status: 'fail',
    fixes: [],
    basis: 'inferred',
  },
  {
    code: 'turn/insufficient-capacity',
    title: 'The TURN server has no capacity for another allocation (508)',
    status: 'fail',
    fixes: [],
    basis: 'inferred',
  },
  { code: 'turn/allocate-error', title: 'TURN Allocate was refused with another error', status: 'fail', fixes: [], basis: 'inferred' },
  {
    code: 'turn/port-is-web-server',
    title: 'The port probed for TURN answers HTTP: a web server such as the web proxy, not TURN',
    // A problem only when TURN was expected on that port (given explicitly, or CMS points clients at it); otherwise a note of turn.allocate.
    status: 'warn',
    fixes: [],
    basis: 'inferred',
  },
  {
    code: 'turn/unauthenticated-allocation',
    title: 'The TURN server allocated a relay without credentials',
    status: 'warn',
    fixes: [],
    basis: 'inferred',
  },
];
