import { defineCheck, type FindingDraft } from '@cms-doctor/core';
import { analyseCapture } from '../capture/analyse.js';
import { captureFindings } from '../capture/verdict.js';

export { captureRecognisers } from './recognise.js';

export const captureCheck = defineCheck({
  id: 'turn.capture',
  title: 'STUN/TURN exchanges in packet captures',
  area: 'turn',
  modes: ['offline'],
  needs: [],
  needsAny: [['file:pcap'], ['file:pcapng']],
  timeoutMs: 120_000,
  async run(ctx) {
    const findings: FindingDraft[] = [];
    for (const file of ctx.files('pcap', 'pcapng')) {
      if (ctx.signal.aborted) break;
      const analysis = await analyseCapture(file.diskPath, ctx.signal);
      if (analysis.error) file.reject(`capture stops parsing: ${analysis.error}`);
      findings.push(...captureFindings(analysis, file.path));
    }
    return findings;
  },
});
