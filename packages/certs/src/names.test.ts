import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { coverage, dnsSanCovers, documentedEdgeNames, wildcardProblem } from './names.js';
import { parseHostPort } from './address.js';

describe('SAN matching', () => {
  it.each([
    ['*.octavio.com', 'cmsweb.octavio.com', true],
    ['*.octavio.com', 'CMSWEB.Octavio.com.', true],
    ['*.octavio.com', 'a.b.octavio.com', false],
    ['*.octavio.com', 'octavio.com', false],
    ['*.com', 'octavio.com', false],
    ['*.co.uk', 'example.co.uk', false],
    ['*.example.co.uk', 'www.example.co.uk', true],
    ['cms*.octavio.com', 'cmsweb.octavio.com', false],
    ['*.*.octavio.com', 'a.b.octavio.com', false],
    ['cmsweb.octavio.com', 'cmsweb.octavio.com', true],
  ])('%s covers %s: %s', (pattern, name, expected) => {
    expect(dnsSanCovers(pattern, name)).toBe(expected);
  });
  it('IP names match only IP SANs, in canonical form', () => {
    expect(coverage('127.0.0.1', [{ type: 'dns', value: '127.0.0.1' }]).covered).toBe(false);
    expect(coverage('127.0.0.1', [{ type: 'ip', value: '127.0.0.1' }]).covered).toBe(true);
    expect(coverage('::1', [{ type: 'ip', value: '0:0:0:0:0:0:0:1' }]).covered).toBe(true);
  });
  it('explains a wildcard that is one label short, and a bad wildcard', () => {
    expect(coverage('a.b.octavio.com', [{ type: 'dns', value: '*.octavio.com' }]).note).toMatch(/one label only/);
    expect(coverage('x.co.uk', [{ type: 'dns', value: '*.co.uk' }]).note).toMatch(/public suffix/);
    expect(wildcardProblem('f*.example.com')).toMatch(/left-most/);
  });
  it('fuzz: a wildcard never covers a name with a different label count (2000 runs)', () => {
    const label = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 2, maxLength: 4 }), fc.array(label, { minLength: 1, maxLength: 5 }), (base, name) => {
        const n = name.join('.');
        const covered = dnsSanCovers(`*.${base.join('.')}`, n);
        if (covered) expect(name.length).toBe(base.length + 1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the document names derived from the target', () => {
  // The source document's SAN list for the Expressway-E certificate, verbatim.
  const DOCUMENT_SANS = [
    'vcse.octavio.com',
    'vcsc.octavio.local',
    'cmsweb.octavio.com',
    'cmsweb.octavio.local',
    'octavio.local',
    'cms.octavio.local',
    'octavio.com',
  ];
  it('is the Expressway-E SAN list of the document, less the required web bridge name', () => {
    const names = documentedEdgeNames({ external: 'cmsweb.octavio.com', internalDomain: 'cms.octavio.local' });
    expect([...names, 'cmsweb.octavio.com'].sort()).toEqual([...DOCUMENT_SANS].sort());
    // The CMS guest name is the internal guest account client URI, not a name the document puts on the edge.
    expect(names).not.toContain('cmsweb.cms.octavio.local');
  });
});

describe('host:port', () => {
  it.each([
    ['192.0.2.1', { host: '192.0.2.1', port: 443 }],
    ['edge.example:8443', { host: 'edge.example', port: 8443 }],
    ['[::1]:444', { host: '::1', port: 444 }],
    ['::1', { host: '::1', port: 443 }],
  ])('%s', (text, expected) => expect(parseHostPort(text, 443)).toEqual(expected));
  it('refuses a bad port', () => expect(() => parseHostPort('h:70000', 443)).toThrow(/bad port/));
});
