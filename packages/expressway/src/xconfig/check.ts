import { codeOf, defineCheck, type FindingDraft } from '@cms-doctor/core';
import { decodeHumanText, humanLines } from '../logs/human-text.js';
import { parseXSettings, zoneTlsVerify } from './parse.js';

import { EXPRESSWAY_XCONFIG } from './recognise.js';
export { EXPRESSWAY_XCONFIG, EXPRESSWAY_XSTATUS, expresswayXConfigRecogniser, expresswayXStatusRecogniser } from './recognise.js';

/**
 * Reads the settings whose paths a Cisco document shows (zone TLS verify mode and subject name,
 * TAC 212475) and lists them; the Guest account client URI, TURN and administration port paths are
 * not read until a source shows their xConfiguration names (the web pages are read instead).
 */
export const expresswayXConfigCheck = defineCheck({
  id: 'expressway.xconfiguration',
  title: 'Expressway xConfiguration: zones and their TLS verify names',
  area: 'expressway',
  modes: ['offline'],
  needs: [`file:${EXPRESSWAY_XCONFIG}`],
  async run(ctx) {
    const findings: FindingDraft[] = [];
    for (const file of ctx.files(EXPRESSWAY_XCONFIG)) {
      let text: string;
      try {
        text = humanLines(decodeHumanText(await file.bytes(64 * 1024 * 1024))).join('\n');
      } catch (e) {
        file.reject(`not readable as xConfiguration output: ${(e as Error).message}`);
        continue;
      }
      const settings = parseXSettings(text);
      const zones = zoneTlsVerify(settings);
      findings.push({
        code: codeOf('expressway.xconfiguration'),
        status: 'info',
        title: `${settings.length} xConfiguration setting(s) read${zones.length ? `, ${zones.length} zone(s) with TLS verify settings` : ''}`,
        ...(zones.length
          ? {
              detail: zones
                .map(
                  (z) =>
                    `zone ${z.zone}: TLS verify mode ${z.mode?.value ?? 'not shown'}, subject name ${z.subjectName?.value ?? 'not shown'}`,
                )
                .join('; '),
            }
          : {}),
        subject: file.path,
        evidence: zones.flatMap((z) =>
          [z.mode, z.subjectName].flatMap((s) =>
            s
              ? [
                  {
                    kind: 'config-line',
                    file: file.path,
                    line: s.line,
                    text: `zone ${z.zone} ${s === z.mode ? 'TLS verify mode' : 'TLS verify subject name'} ${s.value}`,
                  },
                ]
              : [],
          ),
        ),
      });
    }
    return findings;
  },
});
