import type { Plugin } from '@cms-doctor/core';
import { DNS_CODES, DNS_FIXES } from './codes.js';
import { webbridgeCheck } from './checks/webbridge.js';
import { srvCheck } from './checks/srv.js';
import { digRecogniser, hostRecogniser, namedConfRecogniser, nslookupRecogniser, zoneRecogniser } from './recognisers.js';

export const plugin: Plugin = {
  name: 'dns',
  checks: [webbridgeCheck, srvCheck],
  fixes: DNS_FIXES,
  codes: DNS_CODES,
  recognisers: [digRecogniser, nslookupRecogniser, hostRecogniser, namedConfRecogniser, zoneRecogniser],
};
