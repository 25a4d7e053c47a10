/**
 * This package's problem codes and fixes, with no heavy imports: what `cms-doctor explain`
 * loads instead of the whole plugin. The plugin uses the same arrays.
 */
import { CMS_CODES, CMS_FIXES } from './codes.js';
import { MMP_SSH_CODES, MMP_SSH_FIXES } from './mmp-ssh/codes.js';

export const codes = [...CMS_CODES, ...MMP_SSH_CODES];
export const fixes = [...CMS_FIXES, ...MMP_SSH_FIXES];
