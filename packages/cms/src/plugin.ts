import type { Plugin } from '@cms-doctor/core';
import { LIVE_CHECKS } from './checks/live.js';
import { OFFLINE_CHECKS } from './checks/offline.js';
import { CMS_CODES, CMS_FIXES } from './codes.js';
import { RECOGNISERS } from './recognisers.js';

export const plugin: Plugin = {
  name: 'cms',
  checks: [...LIVE_CHECKS, ...OFFLINE_CHECKS],
  fixes: CMS_FIXES,
  codes: CMS_CODES,
  recognisers: RECOGNISERS,
};
