// The xConfiguration/xStatus recognisers, apart from their check: triage runs them on every
// input (docs/decisions/lazy-loading.md).
import type { Recogniser } from '@cms-doctor/core';
import { decodeHumanText, humanLines, isUtf16Text } from '../logs/human-text.js';
import { looksLikeXConfiguration, looksLikeXStatus } from './parse.js';

export const EXPRESSWAY_XCONFIG = 'expressway-xconfiguration';
export const EXPRESSWAY_XSTATUS = 'expressway-xstatus';

const headText = (head: Uint8Array): string | undefined =>
  head.subarray(0, 512).includes(0) && !isUtf16Text(head) ? undefined : humanLines(decodeHumanText(head)).join('\n');

export const expresswayXConfigRecogniser: Recogniser = {
  kind: EXPRESSWAY_XCONFIG,
  area: 'expressway',
  description: 'Expressway xConfiguration output (CLI, or xconf_dump_*.txt of the diagnostic log archive)',
  priority: 13,
  recognise(head) {
    const t = headText(head);
    return t !== undefined && looksLikeXConfiguration(t);
  },
};

export const expresswayXStatusRecogniser: Recogniser = {
  kind: EXPRESSWAY_XSTATUS,
  area: 'expressway',
  description: 'Expressway xStatus output (CLI, or xstat_dump_*.txt of the diagnostic log archive)',
  priority: 13,
  recognise(head) {
    const t = headText(head);
    return t !== undefined && looksLikeXStatus(t) && !looksLikeXConfiguration(t);
  },
};
