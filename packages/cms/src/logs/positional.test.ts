import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { positional } from './positional.js';
import { SIGNATURES } from './signatures.js';

/** What the original pattern says about `text`: whether it matches and its named groups. */
const original = (re: RegExp, text: string) => {
  const m = re.exec(text);
  return m
    ? { at: m.index, all: m[0], groups: Object.fromEntries(Object.entries(m.groups ?? {}).filter(([, v]) => v !== undefined)) }
    : null;
};
const numbered = (re: RegExp, text: string) => {
  const p = positional(re);
  const m = p.re.exec(text);
  if (!m) return null;
  const names = Object.keys(re.exec(text)?.groups ?? {});
  for (const n of names) expect(p.group(m, n)).toBe(re.exec(text)!.groups![n]);
  for (const n of names) {
    const k = p.index(n);
    expect(k === -1 ? p.group(m, n) : k === 0 ? undefined : m[k]).toBe(re.exec(text)!.groups![n]);
  }
  return { at: m.index, all: m[0], groups: p.groups(m, (s) => s) };
};

describe('positional (named groups as numbers)', () => {
  it('matches what every catalogue pattern matches, with the same groups (2000 runs)', () => {
    const words = SIGNATURES.flatMap((s) => [...s.anchors, ...s.anchors.map((a) => a.toUpperCase())]);
    const piece = fc.oneof(
      fc.constantFrom(
        ...words,
        'call 7: ',
        'call 12: ',
        '"h.example"',
        ' (DNS failure)',
        ' expired',
        "'x' -- ",
        'guest1',
        ' / ',
        'un',
        '\n',
      ),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        for (const s of SIGNATURES) expect(numbered(s.pattern, text)).toEqual(original(s.pattern, text));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches the catalogue lines it was written for', () => {
    const lines = [
      'call 7: ICE failure; relay candidate creation timeout',
      'call 8: ICE failure 4 (unauthorized - check credentials)',
      'call 9: ICE failure 3 (other)',
      'web bridge link 3: new quest login request 11 received',
      'guest login request 5: resolution in progress',
      'successful login request from guest1@x',
      'unsuccessful login request from guest1@x',
      'Web bridge connection to "wb.example" failed (DNS failure)',
      "unable to apply logo (space '9999') -- no license",
      'XMPP component: Authentication Failure',
    ];
    let matched = 0;
    for (const l of lines)
      for (const s of SIGNATURES) {
        const want = original(s.pattern, l);
        if (want) matched += 1;
        expect(numbered(s.pattern, l)).toEqual(want);
      }
    expect(matched).toBeGreaterThanOrEqual(lines.length - 1);
  });

  it('counts only capturing groups: lookarounds, escapes, classes and back references', () => {
    const cases: [RegExp, string][] = [
      [/(?<!un)(?<a>x+)(?=y)(y)(?<b>z)?/, 'unxx axxyz'],
      [/\((?<in>[^)(]*)\)[(](?<n>\d)/, 'a (b c)(7'],
      [/(?<w>\w)\k<w>(?:-(?<x>\d))?/, 'abccd-4'],
      [/(?<q>["'])(?<body>.*?)\k<q>/i, `say 'HI' now`],
      [/[\](]+(?<t>t)/, '](]t'],
    ];
    for (const [re, text] of cases) expect(numbered(re, text)).toEqual(original(re, text));
  });

  it('keeps a pattern it cannot rewrite (v-flag classes) and still answers by name', () => {
    const re = new RegExp('(?<d>[[0-9]--[5]]+)', 'v');
    const p = positional(re);
    expect(p.re).toBe(re);
    expect(p.index('d')).toBe(-1);
    const m = p.re.exec('5123')!;
    expect(p.group(m, 'd')).toBe('123');
    expect(p.groups(m, (s) => s)).toEqual({ d: '123' });
  });
});
