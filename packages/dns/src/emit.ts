import { CORE_CODES, emitterFor } from '@cms-doctor/core';
import { DNS_CODES } from './codes.js';

/** The one way this package builds a problem finding: title, status, basis and fixes come from the code's table entry. */
export const emit = emitterFor(CORE_CODES, DNS_CODES);
