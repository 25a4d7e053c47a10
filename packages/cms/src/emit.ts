import { CORE_CODES, emitterFor } from '@cms-doctor/core';
import { CMS_CODES } from './codes.js';

/** Problem findings of this package: title, status, basis and fixes from the code tables (verdict rule 4). */
export const emit = emitterFor(CORE_CODES, CMS_CODES);
