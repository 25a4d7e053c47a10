import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanMmpLine, guessMmpCommand, mmpSections } from './fields.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../../fixtures/cms/mmp/${name}`, import.meta.url), 'utf8');

describe('MMP transcripts as people paste them (real transcript of the document)', () => {
  const text = fixture('doc-callbridge-webbridge-xmpp-transcript.txt');
  const plain = mmpSections(text).map((s) => [s.command, s.text]);

  it('reads the callbridge, webbridge and xmpp sections', () => {
    expect(plain.map(([c]) => c)).toEqual(expect.arrayContaining(['callbridge', 'webbridge', 'xmpp']));
  });

  it('the same sections behind Line NNN: prefixes, > quoting, a BOM, CRLF and terminal colour codes', () => {
    const lines = text.split('\n');
    const variants = [
      lines.map((l, i) => `Line ${i + 100}: ${l}`).join('\n'),
      lines.map((l) => `> ${l}`).join('\r\n'),
      `\ufeff${lines.join('\r\n')}`,
      lines.map((l) => (l.includes('>') ? `\u001b[1;32m${l}\u001b[0m` : l)).join('\n'),
    ];
    for (const v of variants)
      expect(mmpSections(v).map((s) => [s.command, s.text.replace(/\s+$/, '')])).toEqual(
        plain.map(([c, t]) => [c, t!.replace(/\s+$/, '')]),
      );
  });

  it('a section without a prompt is still named by its labels', () => {
    const webbridge = mmpSections(text).find((s) => s.command === 'webbridge')!;
    expect(guessMmpCommand(webbridge.text)).toBe('webbridge');
  });
});

describe('MMP section reader (fuzz)', () => {
  it('never throws and never keeps colour codes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        for (const sec of mmpSections(s)) expect(sec.firstLine).toBeGreaterThan(0);
        expect(cleanMmpLine(`\u001b[0m${s}`).startsWith('\u001b[0m')).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});
