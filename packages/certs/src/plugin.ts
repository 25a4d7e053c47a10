import type { Plugin } from '@cms-doctor/core';
import { edgeCheck, filesCheck, webbridgeInternalCheck } from './checks.js';
import { CERT_CODES } from './codes.js';
import { recognisers } from './recognise.js';

export const plugin: Plugin = {
  name: 'certs',
  checks: [edgeCheck, webbridgeInternalCheck, filesCheck],
  fixes: [],
  codes: CERT_CODES,
  recognisers,
};
