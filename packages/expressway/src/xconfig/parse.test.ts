import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expresswayXConfigRecogniser, expresswayXStatusRecogniser } from './check.js';
import { parseXSettings, zoneTlsVerify } from './parse.js';

const real = (name: string): string => readFileSync(new URL(`../../../../fixtures/realworld/expressway/${name}`, import.meta.url), 'utf8');

describe('xConfiguration output', () => {
  it('TAC 212475: two settings run into one line; the zone TLS verify mode and subject name are read', () => {
    const text = real('tac212475_expe_xconfiguration-zone-tls-verify_as-rendered.txt');
    expect(expresswayXConfigRecogniser.recognise(Buffer.from(text), 'x')).toBe(true);
    expect(expresswayXStatusRecogniser.recognise(Buffer.from(text), 'x')).toBe(false);
    const settings = parseXSettings(text);
    expect(settings.map((s) => s.path)).toEqual(['Zones Zone 6 DNS SIP TLS Verify Mode', 'Zones Zone 6 DNS SIP TLS Verify Subject Name']);
    expect(zoneTlsVerify(settings)).toEqual([
      { zone: '6', mode: { value: 'On', line: 1 }, subjectName: { value: 'calllservice.ciscospark.com', line: 1 } },
    ]);
  });

  it('reads it behind a prompt, quoted, as UTF-16', () => {
    const text = `xcommand> xconfiguration\r\n> ${real('tac212475_expe_xconfiguration-zone-tls-verify_as-rendered.txt')}`;
    expect(expresswayXConfigRecogniser.recognise(Buffer.from(text, 'utf16le'), 'x')).toBe(true);
    expect(parseXSettings(text)).toHaveLength(2);
  });

  it('fuzz: never throws, values never span settings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        for (const x of parseXSettings(s)) expect(x.value.includes('*c xConfiguration')).toBe(false);
        zoneTlsVerify(parseXSettings(s));
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
        expresswayXConfigRecogniser.recognise(b, 'x');
        expresswayXStatusRecogniser.recognise(b, 'x');
      }),
      { numRuns: 300 },
    );
  });
});
