// The Expressway log recogniser, apart from its check: triage runs it on every input, so it
// imports only the record matcher (docs/decisions/lazy-loading.md).
import type { Recogniser } from '@cms-doctor/core';
import { decodeHumanText, humanLines, isUtf16Text } from './human-text.js';
import { isExpresswayRecord } from './records.js';

export const EXPRESSWAY_LOG = 'expressway-log';

/** Recognised by its records anywhere in the head, after taking off what people put in front of lines. */
export const expresswayLogRecogniser: Recogniser = {
  kind: EXPRESSWAY_LOG,
  area: 'expressway',
  description: 'Expressway diagnostic or event log (tvcs, clusterdb, httpd web, alarm and management key="value" records)',
  priority: 12,
  recognise(head) {
    if (head.subarray(0, 512).includes(0) && !isUtf16Text(head)) return false;
    return humanLines(decodeHumanText(head)).slice(0, 400).some(isExpresswayRecord);
  },
};
