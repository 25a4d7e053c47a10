import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { CORE_CODES } from '@cms-doctor/core';
import { plugin } from './plugin.js';

const DOCS = new URL('../../../docs/', import.meta.url).pathname;
const codes = [...CORE_CODES.filter((c) => c.code.startsWith('dns/')), ...(plugin.codes ?? [])];
const fixes = [...new Set(codes.flatMap((c) => c.fixes))];

describe('dns docs', () => {
  it.each(codes.map((c) => c.code))('%s has a findings page with the required headings', (code) => {
    const path = `${DOCS}findings/${code}.md`;
    expect(existsSync(path), path).toBe(true);
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith(`# ${code}\n`)).toBe(true);
    for (const h of ['What it means', 'Evidence', 'Cause', 'Fix', 'Verify', 'Basis']) expect(text).toContain(`\n## ${h}\n`);
    for (const f of codes.find((c) => c.code === code)?.fixes ?? []) expect(text).toContain(`\`${f}\``);
  });

  it.each(fixes)('fix %s has a page', (id) => {
    const text = readFileSync(`${DOCS}fixes/${id}.md`, 'utf8');
    expect(text.startsWith(`# ${id}\n`)).toBe(true);
    for (const h of ['When', 'Steps', 'Reference']) expect(text).toContain(`\n## ${h}\n`);
  });

  it('adds no code or fix the core already has', () => {
    const core = new Set(CORE_CODES.map((c) => c.code));
    expect((plugin.codes ?? []).filter((c) => core.has(c.code))).toEqual([]);
  });
});
