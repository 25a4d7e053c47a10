import { describe, expect, it } from 'vitest';
import { DEFAULT_MODULES, parseModules } from './modules.js';

describe('modules', () => {
  it('the contract modules exist: turn, cert, dns, cms, full', () => {
    expect([...DEFAULT_MODULES.keys()]).toEqual(['turn', 'cert', 'dns', 'cms', 'full']);
    expect(DEFAULT_MODULES.get('full')?.areas).toBeUndefined();
  });
  it('a module table adds modules with areas and a timeout', () => {
    const m = parseModules({ modules: { edge: { areas: ['cert', 'expressway'], timeout: 20 } } }, 'm.yaml');
    expect(m.get('edge')).toEqual({ name: 'edge', areas: ['cert', 'expressway'], timeoutSeconds: 20 });
    expect(m.has('turn')).toBe(true);
  });
  it('bad tables are refused with the file named', () => {
    expect(() => parseModules({ x: { areas: ['nope'] } }, 'm.yaml')).toThrow(/m.yaml: module x: areas/);
    expect(() => parseModules({ 'Bad Name': { areas: ['dns'] } }, 'm.yaml')).toThrow(/module name/);
    expect(() => parseModules(['dns'], 'm.yaml')).toThrow(/mapping/);
    expect(() => parseModules({ x: { areas: ['dns'], timeout: -1 } }, 'm.yaml')).toThrow(/timeout/);
  });
});
