import { describe, expect, it, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { LiteralSearch } from './literal-search.js';
import { LogScanner, scanFile, scanLines, scanStream, minimalAnchors, type ScanResult, type ScanLimits } from './scanner.js';
import { SIGNATURES } from './signatures.js';

const tmp = mkdtempSync(join(tmpdir(), 'cms-scan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every occurrence of every anchor ignoring ASCII case, the slow way. */
function naive(text: Buffer, anchors: readonly string[], from: number, to: number): [number, number][] {
  const lower = Buffer.from(
    text.toString('latin1').replace(/[A-Z]/g, (c) => c.toLowerCase()),
    'latin1',
  );
  const out: [number, number][] = [];
  for (let p = from; p < to; p += 1)
    anchors.forEach((a, k) => {
      const b = Buffer.from(a.toLowerCase());
      if (p + b.length <= to && lower.subarray(p, p + b.length).equals(b)) out.push([p, k]);
    });
  return out;
}

/** What a scan found, texts and timelines included. */
const view = (r: ScanResult) => ({
  lines: r.lines,
  evictedCalls: r.evictedCalls,
  evictedLogins: r.evictedLogins,
  aggregates: r.aggregates.map((a) => ({
    id: a.signature.id,
    groups: a.groups,
    count: a.count,
    first: a.firstLine,
    last: a.lastLine,
    samples: a.samples,
    calls: a.calls,
    timelines: a.timelines,
  })),
});

const LIMITS: ScanLimits = { maxOpenCalls: 2, maxOpenLogins: 2, maxEventsPerCall: 5 };

describe('LiteralSearch (the one-pass prefilter)', () => {
  const anchors = minimalAnchors(SIGNATURES.flatMap((s) => s.anchors));
  const search = new LiteralSearch(anchors);
  const piece = fc.oneof(
    fc.constantFrom(...anchors, ...anchors.map((a) => a.toUpperCase()), 'ICE fail', 'licenc', '\n', ' ', 'é', '\u0000'),
    fc.string({ maxLength: 12 }),
  );

  it('finds exactly what a naive case-insensitive search finds, in order (1000 runs)', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.nat(), fc.nat(), (parts, x, y) => {
        const bytes = Buffer.from(parts.join(''));
        const from = bytes.length === 0 ? 0 : x % bytes.length;
        const to = from + (bytes.length - from === 0 ? 0 : y % (bytes.length - from + 1));
        const n = search.scan(bytes, from, to);
        const got = Array.from({ length: n }, (_, i) => [search.hitPos[i]!, search.hitAnchor[i]!]);
        expect(got).toEqual(naive(bytes, anchors, from, to));
      }),
      { numRuns: 1000 },
    );
  });

  it('finds any anchor set exactly, whichever window of each anchor it searches (150 runs)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'B', 'c', 'd', ' ', 'E', 'f'), minLength: 3, maxLength: 11 });
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { minLength: 1, maxLength: 6 }),
        fc.array(fc.oneof(word, fc.constantFrom('\n', 'x')), { maxLength: 40 }),
        (set, parts) => {
          const anchors = minimalAnchors(set);
          const s = new LiteralSearch(anchors);
          const bytes = Buffer.from(parts.join(''));
          const n = s.scan(bytes, 0, bytes.length);
          const got = Array.from({ length: n }, (_, i) => [s.hitPos[i]!, s.hitAnchor[i]!]);
          expect(got).toEqual(naive(bytes, anchors, 0, bytes.length));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses anchors the search cannot serve', () => {
    expect(() => new LiteralSearch(['ab'])).toThrow(RangeError);
    expect(() => new LiteralSearch(['abc\ndef'])).toThrow(RangeError);
    expect(new LiteralSearch([]).scan(Buffer.from('anything'), 0, 8)).toBe(0);
  });

  it('keeps anchors that contain no other (ignoring case)', () => {
    expect(minimalAnchors(['ICE failure', 'ICE failure 4', 'ice FAILURE; x', 'web bridge link'])).toEqual([
      'ICE failure',
      'web bridge link',
    ]);
  });
});

describe('byte scan with timeline lines read back from the file', () => {
  const line = fc.constantFrom(
    'Feb 23 09:02:21.594 user.info CMS host:server: INFO : new guest login request 5 received',
    'guest login request 5: resolution in progress',
    'guest login request 6: credential storage scheduled',
    'created guest account with user ID "guest1"',
    'created guest account with user ID "guest2"',
    'successful login request from guest1',
    'call 7: allocated for guest1 / "Thomas" conference participation',
    'call 8: allocated for guest2 / "T" conference participation',
    'call 7: setting up combined RTP session for DTLS',
    'call 8: starting DTLS combined media negotiation',
    'call 7: ICE failure; relay candidate creation timeout',
    'call 8: ICE failure 4 (unauthorized - check credentials)',
    'call 7: ICE failure 3 (other)',
    'call 7: tearing down',
    'Web bridge connection to "wb.example" failed (DNS failure)',
    'XMPP server: Connection Lost to peer',
    'LICENCE for call bridge has EXPIRED',
    "unable to apply logo (space '9999') -- no license",
    'caf\u00e9 \u4e2d call 8: ICE failure; relay candidate creation timeout',
    'xyz',
    '',
  );
  const eol = fc.constantFrom('\n', '\r\n');

  it(`gives the same findings, texts and timelines as the line scan (300 runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(line, eol), { maxLength: 40 }),
        fc.integer({ min: 1, max: 97 }),
        fc.boolean(),
        async (rows, chunkSize, lastEol) => {
          let text = rows.map(([l, e]) => l + e).join('');
          if (!lastEol && text.endsWith('\n')) text = text.replace(/\r?\n$/, '');
          const bytes = Buffer.from(text);
          // Small chunks through scanStream with a reader over the same bytes: carries and offsets.
          const lazy = new LogScanner(LIMITS);
          lazy.reader = (at, len) => bytes.subarray(at, at + len);
          const chunks = async function* () {
            for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
          };
          const a = await scanStream(chunks(), lazy);
          const lines = text.split('\n');
          if (lines.at(-1) === '') lines.pop();
          const b = await scanLines(
            lines.map((l) => l.replace(/\r$/, '')),
            new LogScanner(LIMITS),
          );
          expect(view(a)).toEqual(view(b));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('scanFile reads timeline texts back from the file', async () => {
    const p = join(tmp, 'timeline.log');
    const text = [
      'guest login request 5: resolution in progress',
      'created guest account with user ID "guest1"',
      'x'.repeat(5000),
      'call 7: allocated for guest1 / "T\u00e9" conference',
      'call 7: ICE failure; relay candidate creation timeout\r',
      '',
    ].join('\n');
    writeFileSync(p, text);
    const r = await scanFile(p);
    const tl = r.aggregates.find((a) => a.signature.id === 'ice-relay-candidate-timeout')!.timelines[0]!;
    expect(tl.events).toEqual([
      { line: 1, text: 'guest login request 5: resolution in progress' },
      { line: 2, text: 'created guest account with user ID "guest1"' },
      { line: 4, text: 'call 7: allocated for guest1 / "T\u00e9" conference' },
      { line: 5, text: 'call 7: ICE failure; relay candidate creation timeout' },
    ]);
    expect(view(r)).toEqual(
      view(
        await scanLines(
          text
            .split('\n')
            .slice(0, -1)
            .map((l) => l.replace(/\r$/, '')),
        ),
      ),
    );
  });

  it('finds case-insensitive signatures whatever the case of their anchors', async () => {
    const p = join(tmp, 'case.log');
    writeFileSync(p, 'Jan 1 00:00:00 user.err cms host:server: ERROR : XMPP component: Authentication Failure\nLicense state: Expired\n');
    const ids = (await scanFile(p)).aggregates.map((a) => a.signature.id);
    expect(ids).toEqual(['xmpp-failure', 'license-expired']);
  });
});
