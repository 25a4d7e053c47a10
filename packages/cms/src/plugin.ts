import type { Plugin } from '@cms-doctor/core';
import { LIVE_CHECKS } from './checks/live.js';
import { OFFLINE_CHECKS } from './checks/offline.js';
import { mmpSshCheck } from './checks/mmp-ssh.js';
import { mmpPkiCheck } from './checks/mmp-pki.js';
import { MMP_SSH_CODES, MMP_SSH_FIXES } from './mmp-ssh/codes.js';
import { CMS_CODES, CMS_FIXES } from './codes.js';
import { RECOGNISERS } from './recognisers.js';

export const plugin: Plugin = {
  name: 'cms',
  checks: [...LIVE_CHECKS, mmpSshCheck, ...OFFLINE_CHECKS, mmpPkiCheck],
  fixes: [...CMS_FIXES, ...MMP_SSH_FIXES],
  codes: [...CMS_CODES, ...MMP_SSH_CODES],
  recognisers: RECOGNISERS,
};
