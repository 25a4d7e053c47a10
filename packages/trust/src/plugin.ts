import type { Plugin } from '@cms-doctor/core';
import { trustBundleCheck } from './checks.js';
import { recognisers } from './recognise.js';

// The codes this package reports (webbridge/trust-bundle-missing, -mismatch) and the
// fix webbridge-callbridge-trust are contract entries in core.
export const plugin: Plugin = { name: 'trust', checks: [trustBundleCheck], fixes: [], codes: [], recognisers };
