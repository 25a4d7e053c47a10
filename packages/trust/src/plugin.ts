import type { Plugin } from '@cms-doctor/core';
import { c2wTrustCheck, trustBundleCheck } from './checks.js';
import { TRUST_CODES, TRUST_FIXES } from './codes.js';

// webbridge/trust-bundle-missing, -mismatch and the fix webbridge-callbridge-trust are
// contract entries in core; the C2W codes and fix are this package's. The MMP output it
// reads is recognised by the cms package.
export const plugin: Plugin = { name: 'trust', checks: [trustBundleCheck, c2wTrustCheck], fixes: TRUST_FIXES, codes: TRUST_CODES };
