import { defineCheck, type FindingDraft, type Recogniser } from '@cms-doctor/core';
import { analyseCapture } from '../capture/analyse.js';
import { captureFindings } from '../capture/verdict.js';
import { captureFormat } from '../capture/pcap-reader.js';

/** pcap and pcapng by magic number (nDPI ships pcapng files named .pcap). */
export const captureRecognisers: Recogniser[] = [
  {
    kind: 'pcap',
    area: 'turn',
    description: 'libpcap capture (µs or ns, either byte order)',
    priority: 10,
    recognise: (head) => captureFormat(head) === 'pcap',
  },
  { kind: 'pcapng', area: 'turn', description: 'pcapng capture', priority: 10, recognise: (head) => captureFormat(head) === 'pcapng' },
];

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
