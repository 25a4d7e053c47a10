import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseExpresswayPages } from './parse.js';
import { expresswayPageRecogniser } from './recognise.js';
import { adminPortConfigCheck, guestUriConfigCheck, guestUriIsInternal, sshTunnelsCheck, turnConfigCheck } from './checks.js';
import { CORE_CODES, type CheckContext, type FindingDraft, type TriageFile } from '@cms-doctor/core';

const FIX = join(import.meta.dirname, '../../../../fixtures/expressway');
// The real data copied into fixtures/ (tests never read outside the repo).
const FIXTURES = join(import.meta.dirname, '../../../../fixtures');
const REAL_DIRS = ['cms/logs', 'cms/api-xml', 'expressway/realdata', 'dns/realdata', 'certs/realdata', 'stun'].map((d) =>
  join(FIXTURES, d),
);
const read = (f: string): string => readFileSync(join(FIX, f), 'utf8');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('parseExpresswayPages on the document pages', () => {
  it('Expressway-C, healthy: guest URI from the resolved targets, domains, three active tunnels', () => {
    const p = parseExpresswayPages(read('expc-pages-healthy.txt'));
    expect(p.guestUri).toMatchObject({ value: 'cmsweb.octavio.com', from: 'resolved-targets' });
    expect(p.guestUriTargets.map((t) => [t.name, t.address])).toEqual([['cmsweb.octavio.com', '172.16.85.180']]);
    expect(p.domains?.map((d) => d.name)).toEqual(['octavio.local', 'octavio.com']);
    expect(p.sshTunnels?.map((t) => `${t.domain}:${t.status}`)).toEqual([
      'octavio.local:Active',
      'cmsweb.octavio.com:Active',
      'octavio.com:Active',
    ]);
  });
  it('Expressway-C, troubleshooting: the internal name as guest URI', () => {
    const p = parseExpresswayPages(read('expc-guest-uri-internal.txt'));
    expect(p.guestUri?.value).toBe('cmsweb.cms.octavio.local');
  });
  it('Expressway-E: option keys, TURN settings and status, local users', () => {
    const p = parseExpresswayPages(read('expe-pages.txt'));
    expect(p.optionKeys?.map((k) => k.description)).toContain('1800 TURN Relays');
    expect(p.turn.requestsPort?.value).toBe('3478');
    expect(p.turn.realm?.value).toBe('turnuser');
    expect([p.turn.mediaStart?.value, p.turn.mediaEnd?.value]).toEqual(['24000', '29999']);
    expect(p.turn.services?.value).toBe('On');
    expect(p.turn.status?.value).toBe('Active');
    expect(p.turn.listening.map((l) => l.value)).toEqual(['172.16.85.168:3478', '192.168.245.61:3478']);
    expect(p.localUsers?.map((u) => u.name)).toEqual(['admin', 'turnuser', 'Tuser']);
  });
  it('ignores the CMS web admin General page, whose guest URI is rightly internal', () => {
    const cms =
      'Web bridge settings\n\nGuest account client URI: https://cmsweb.cms.octavio.local\n\nGuest account JID domain: cms.octavio.local\n';
    expect(parseExpresswayPages(cms).guestUri).toBeUndefined();
    expect(expresswayPageRecogniser.recognise(enc(cms), 'general.txt')).toBe(false);
  });
  it('never keeps a password widget value', () => {
    const p = parseExpresswayPages('Password\t<input type="password" value="cisco"/>\nUsername\t<input type="text" value="Tuser"/>');
    expect(JSON.stringify(p)).not.toContain('cisco');
    expect(p.fields).toContainEqual(expect.objectContaining({ label: 'username', value: 'Tuser' }));
  });
  it('fuzz: any text parses without throwing (3000 runs)', () => {
    const pieces = fc.constantFrom(
      'Guest account client URI',
      '\t',
      '\n',
      '* ',
      'TURN services\tOff',
      'Key\tDescription\tStatus',
      'Target\tDomain\tStatus',
      '<input type="text" value="x"/>',
      'ⓘ',
      'Name\tAddress',
      'Guest account client URI resolved to the following targets',
      'a.b.c',
      ':',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string({ maxLength: 20 })), { maxLength: 60 }), (parts) => {
        parseExpresswayPages(parts.join(''));
      }),
      { numRuns: 3000 },
    );
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('real data', () => {
  it('recognises the fixtures and none of the real Expressway logs; parses every real file without crashing', () => {
    for (const f of ['expc-pages-healthy.txt', 'expe-pages.txt', 'expc-guest-uri-internal.txt'])
      expect(expresswayPageRecogniser.recognise(enc(read(f)), f), f).toBe(true);
    const files = REAL_DIRS.flatMap(walk);
    expect(files.length).toBeGreaterThan(50);
    const claimed: string[] = [];
    for (const f of files) {
      const buf = readFileSync(f);
      if (expresswayPageRecogniser.recognise(buf.subarray(0, 64 * 1024), f)) claimed.push(f);
      parseExpresswayPages(buf.toString('utf8'));
    }
    expect(claimed.filter((f) => f.includes('/expressway/'))).toEqual([]);
    // Only the source document itself (not in realdata) carries these pages.
    expect(claimed).toEqual([]);
  });
});

const fileOf = (name: string, text: string): TriageFile => ({
  path: name,
  diskPath: name,
  size: text.length,
  kind: 'expressway-page',
  head: enc(text),
  bytes: async () => Buffer.from(text),
  text: async () => text,
  lines: async function* () {
    yield* text.split('\n');
  },
  reject: () => undefined,
});
const ctx = (target: Record<string, unknown>, files: TriageFile[]): CheckContext => ({
  target,
  signal: new AbortController().signal,
  deadline: Date.now() + 5000,
  mode: 'offline',
  get: () => undefined,
  files: () => files,
});
const run = async (
  check: { run(c: CheckContext): Promise<unknown> },
  target: Record<string, unknown>,
  files: TriageFile[],
): Promise<FindingDraft[]> => (await check.run(ctx(target, files))) as FindingDraft[];

describe('offline checks', () => {
  it('guest URI: internal name fails with the document fix; external name passes', async () => {
    const bad = await run(guestUriConfigCheck, { external: 'cmsweb.octavio.com' }, [fileOf('c.txt', read('expc-guest-uri-internal.txt'))]);
    expect(bad[0]).toMatchObject({
      code: 'expressway/guest-uri-internal',
      status: 'fail',
      fixes: ['guest-uri-external'],
      basis: 'documented',
    });
    expect(bad[0]?.subject).toMatch(/^c\.txt:\d+$/);
    const good = await run(guestUriConfigCheck, { external: 'cmsweb.octavio.com' }, [fileOf('c.txt', read('expc-pages-healthy.txt'))]);
    expect(good[0]).toMatchObject({ status: 'pass' });
    const unknown = await run(guestUriConfigCheck, {}, [fileOf('c.txt', read('expc-pages-healthy.txt'))]);
    expect(unknown[0]).toMatchObject({ status: 'info' });
  });
  it('guestUriIsInternal', () => {
    expect(guestUriIsInternal('cmsweb.cms.octavio.local', { internalDomain: 'cms.octavio.local' })).toBe(true);
    expect(guestUriIsInternal('cmsweb.octavio.com', { external: 'cmsweb.octavio.com' })).toBe(false);
    expect(guestUriIsInternal('cmsweb.octavio.com', {})).toBeUndefined();
  });
  it('TURN page of the document passes; TURN services Off fails; other media range warns', async () => {
    const ok = await run(turnConfigCheck, {}, [fileOf('e.txt', read('expe-pages.txt'))]);
    expect(ok.map((f) => f.status)).toEqual(['pass']);
    const off = read('expe-pages.txt')
      .replace('TURN services\tOn', 'TURN services\tOff')
      .replace('Status\tActive', 'Status\tInactive')
      .replace('* 29999', '* 30999')
      .replace('1800 TURN Relays', 'Advanced Account Security');
    const codes = (await run(turnConfigCheck, {}, [fileOf('e.txt', off)])).map((f) => f.code);
    expect(codes).toEqual(['expressway/turn-services-off', 'expressway/media-range-mismatch', 'expressway/turn-option-key-missing']);
  });
  it('admin port 443 in exported settings fails, with the title and basis of the code table (issue 10: no drift)', async () => {
    const out = await run(adminPortConfigCheck, {}, [fileOf('a.txt', 'Web server configuration\nWeb administrator port\t443\n')]);
    const entry = CORE_CODES.find((c) => c.code === 'expressway/admin-port-443')!;
    expect(out[0]).toMatchObject({ code: 'expressway/admin-port-443', status: 'fail', fixes: ['edge-admin-port'] });
    expect([out[0]?.title, out[0]?.basis]).toEqual([entry.title, entry.basis]);
    expect(out[0]?.detail).toMatch(/a\.txt:2\) show Web administrator port 443/);
  });
  it('SSH tunnels: all active passes; a missing web bridge name warns', async () => {
    const f = [fileOf('c.txt', read('expc-pages-healthy.txt'))];
    expect((await run(sshTunnelsCheck, { external: 'cmsweb.octavio.com' }, f))[0]?.status).toBe('pass');
    expect((await run(sshTunnelsCheck, { external: 'join.octavio.com' }, f))[0]?.code).toBe('expressway/ssh-tunnel-inactive');
  });
});

describe('recogniser', () => {
  it('does not take Markdown that names page labels for a page', () => {
    expect(expresswayPageRecogniser.recognise(enc(read('README.md')), 'README.md')).toBe(false);
  });
});
