import type { Plugin } from '@cms-doctor/core';
import { allocateCheck, mediaPathCheck } from './checks/live.js';
import { captureCheck, captureRecognisers } from './checks/capture.js';
import { TURN_CODES } from './codes.js';
import { packetListCheck, packetListRecogniser } from './checks/packet-list.js';

export const plugin: Plugin = {
  name: 'turn',
  checks: [allocateCheck, mediaPathCheck, captureCheck, packetListCheck],
  fixes: [],
  codes: TURN_CODES,
  recognisers: [...captureRecognisers, packetListRecogniser],
};
