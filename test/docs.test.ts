import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '@cms-doctor/doctor';

const docs = fileURLToPath(new URL('../docs', import.meta.url));
const FINDING_HEADINGS = ['## What it means', '## Evidence', '## Cause', '## Fix', '## Verify', '## Basis'];
const FIX_HEADINGS = ['## When', '## Steps', '## Reference'];

const missingHeadings = (path: string, headings: string[]): string[] => {
  const text = readFileSync(path, 'utf8');
  return headings.filter((h) => !text.includes(`\n${h}\n`));
};

describe('docs', async () => {
  const { codes, fixes, checks } = await loadCatalogue();

  it.each([...codes.keys()])('finding code %s has its page', (code) => {
    const path = join(docs, 'findings', ...code.split('/')) + '.md';
    expect(existsSync(path), `missing ${path}`).toBe(true);
    expect(readFileSync(path, 'utf8').startsWith(`# ${code}\n`)).toBe(true);
    expect(missingHeadings(path, FINDING_HEADINGS)).toEqual([]);
  });

  it.each([...fixes.keys()])('fix %s has its page', (id) => {
    const path = join(docs, 'fixes', `${id}.md`);
    expect(existsSync(path), `missing ${path}`).toBe(true);
    expect(missingHeadings(path, FIX_HEADINGS)).toEqual([]);
  });

  it('every fix a code names exists in the catalogue', () => {
    for (const c of codes.values()) for (const f of c.fixes) expect(fixes.has(f), `${c.code} names unknown fix ${f}`).toBe(true);
  });

  it('check ids are unique and well formed', () => {
    const ids = checks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(dns|cert|turn|cms|webbridge|expressway|triage|browser)\.[a-z0-9.-]+$/);
  });
});

describe('the light code catalogue explain loads', () => {
  it('holds exactly the codes and fixes of the plugins', async () => {
    const { loadCodeCatalogue } = await import('../packages/doctor/src/code-catalogue.js');
    const light = await loadCodeCatalogue();
    const full = await loadCatalogue();
    expect([...light.codes.keys()].sort()).toEqual([...full.codes.keys()].sort());
    expect([...light.fixes.keys()].sort()).toEqual([...full.fixes.keys()].sort());
  });
});
