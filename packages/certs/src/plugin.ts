import type { Plugin } from '@cms-doctor/core';
import { edgeCheck, filesCheck, webbridgeInternalCheck } from './checks.js';
import { CERT_CODES, CERT_FIXES } from './codes.js';
import { recognisers } from './recognise.js';

export const plugin: Plugin = {
  name: 'certs',
  checks: [edgeCheck, webbridgeInternalCheck, filesCheck],
  fixes: CERT_FIXES,
  codes: CERT_CODES,
  recognisers,
};
