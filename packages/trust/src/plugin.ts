import type { Plugin } from '@cms-doctor/core';
import { trustBundleCheck } from './checks.js';
import { codes, fixes } from './meta.js';

// The codes this package reports (webbridge/trust-bundle-missing, -mismatch) and the
// fix webbridge-callbridge-trust are contract entries in core. The MMP output it reads is
// recognised by the cms package.
export const plugin: Plugin = { name: 'trust', checks: [trustBundleCheck], fixes, codes };
