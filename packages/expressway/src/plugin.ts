import type { Plugin } from '@cms-doctor/core';
import { EXPRESSWAY_CODES, EXPRESSWAY_FIXES } from './catalogue.js';
import { webProxyCheck } from './web-proxy/check.js';
import { turnPortsCheck } from './turn-ports.js';
import { adminPortConfigCheck, guestUriConfigCheck, sshTunnelsCheck, turnConfigCheck } from './pages/checks.js';
import { expresswayPageRecogniser } from './pages/recognise.js';
import { expresswayWarningsCheck } from './api/warnings.js';
import { expresswayLogCheck, expresswayLogRecogniser } from './logs/check.js';
import { expresswayXConfigCheck, expresswayXConfigRecogniser, expresswayXStatusRecogniser } from './xconfig/check.js';

export const plugin: Plugin = {
  name: 'expressway',
  checks: [
    webProxyCheck,
    turnPortsCheck,
    expresswayWarningsCheck,
    guestUriConfigCheck,
    turnConfigCheck,
    adminPortConfigCheck,
    sshTunnelsCheck,
    expresswayLogCheck,
    expresswayXConfigCheck,
  ],
  fixes: EXPRESSWAY_FIXES,
  codes: EXPRESSWAY_CODES,
  recognisers: [expresswayPageRecogniser, expresswayLogRecogniser, expresswayXConfigRecogniser, expresswayXStatusRecogniser],
};
