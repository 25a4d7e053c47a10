import type { Plugin } from '@cms-doctor/core';
import { BROWSER_CODES, BROWSER_FIXES } from './codes.js';
import { pageCheck } from './page-check.js';
import { mediaCheck } from './media-check.js';

export const plugin: Plugin = {
  name: 'browser',
  checks: [pageCheck, mediaCheck],
  fixes: BROWSER_FIXES,
  codes: BROWSER_CODES,
};
