import { describe, expect, it } from 'vitest';
import { parentDomain } from './domain.js';

describe('parentDomain', () => {
  it('gives the parent of a name with at least three labels, never a top-level domain', () => {
    expect(parentDomain('cmsweb.octavio.com')).toBe('octavio.com');
    expect(parentDomain('CMSWeb.Octavio.COM.')).toBe('octavio.com');
    expect(parentDomain('cmsweb.cms.octavio.local')).toBe('cms.octavio.local');
    for (const n of ['a.com', 'com', '', undefined, 'a..com', '.octavio.com']) expect(parentDomain(n), String(n)).toBeUndefined();
  });
});
