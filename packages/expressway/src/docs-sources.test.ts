import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORE_CODES } from '@cms-doctor/core';
import { EXPRESSWAY_CODES, EXPRESSWAY_FIXES } from './catalogue.js';

const DOCS = fileURLToPath(new URL('../../../docs/', import.meta.url));
const page = (code: string): string => readFileSync(`${DOCS}findings/${code}.md`, 'utf8');
const section = (text: string, heading: string): string => text.split(`## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';

const CODES = [...CORE_CODES, ...EXPRESSWAY_CODES].filter((c) => c.code.startsWith('expressway/')).map((c) => c.code);

/** Issue 10: every explanation says only what its source says. */
describe('expressway explanations stay with their sources', () => {
  it('guest-uri-internal quotes the document ("Bad Request" in the browser), and claims no refusal it does not make', () => {
    const text = page('expressway/guest-uri-internal');
    expect(text).not.toMatch(/refuses/i);
    expect(section(text, 'Cause')).toMatch(/"Bad Request"/);
    expect(section(text, 'Cause')).toMatch(/Troubleshoot 2/);
  });

  it.each(CODES)('%s: its Basis names where it comes from, its title matches nothing invented', (code) => {
    const basis = section(page(code), 'Basis');
    expect(basis).toMatch(/^(documented|inferred|field)\b/);
    expect(basis).toMatch(/document|TAC|TechNote|guide|reference|probe|markers|table|inferred/i);
  });

  it('every fix of this package names its Cisco source', () => {
    for (const f of EXPRESSWAY_FIXES) expect(f.reference, f.id).toMatch(/Cisco/);
  });

  it('the TLS log fixes of the traversal and hybrid zones cite the TAC documents whose log lines are the fixtures', () => {
    const byId = new Map(EXPRESSWAY_FIXES.map((f) => [f.id, f]));
    expect(byId.get('traversal-zone-tls')?.reference).toMatch(/117811/);
    expect(byId.get('sip-zone-tls')?.reference).toMatch(/212475/);
  });
});
