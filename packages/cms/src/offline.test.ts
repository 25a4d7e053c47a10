import { describe, expect, it, afterAll } from 'vitest';
import { readdirSync, readFileSync, mkdtempSync, writeFileSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { runChecks, type Finding, type Target } from '@cms-doctor/core';
import { triageFile } from '../test-support/triage-file.js';
import { recogniseCms, KINDS } from './recognisers.js';
import { OFFLINE_CHECKS, judgeApiDump } from './checks/offline.js';
import { parseCmsXml } from './xml.js';
import { parseLogLine } from './logs/line.js';
import { LogScanner, scanLines, scanFile, scanStream } from './logs/scanner.js';
import { parseMmpLicense } from './mmp/license.js';
import { parseMmpXmpp, parseXmppMultiDomainList } from './mmp/xmpp.js';
import { parsePkiList } from './mmp/pki.js';
import { mmpSections, parseFields } from './mmp/fields.js';
import { interpret } from './api/client.js';

const FIX = new URL('../../../fixtures/cms/', import.meta.url).pathname;
// The real data copied into fixtures/ (tests never read outside the repo); the document's own sample is ours, not real data.
const FIXTURES = join(import.meta.dirname, '../../../fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'cms-offline-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function triage(paths: string[], target: Target = {}) {
  const rejected: string[] = [];
  const files = paths.flatMap((p) => {
    const kind = recogniseCms(readFileSync(p).subarray(0, 65536));
    return kind ? [triageFile(p, kind, rejected)] : [];
  });
  const r = await runChecks(OFFLINE_CHECKS, { target, mode: 'offline', files, checkTimeoutMs: 60_000 });
  return { findings: r.findings, rejected, files };
}
const problems = (fs: Finding[]) =>
  fs
    .filter((f) => ['fail', 'warn', 'error'].includes(f.status))
    .map((f) => f.code)
    .sort();
const ls = (d: string) => readdirSync(d).map((f) => join(d, f));

describe('offline triage of the document and real data', () => {
  it('finds the four documented failures in the document excerpts', async () => {
    const { findings } = await triage([...ls(`${FIX}logs`), ...ls(`${FIX}faults`), ...ls(`${FIX}mmp`)], { externalDomain: 'octavio.com' });
    const codes = problems(findings);
    expect(codes).toContain('turn/relay-candidate-timeout');
    expect(codes).toContain('turn/credentials-rejected');
    expect(codes).toContain('webbridge/callbridge-connect-failure');
    const relay = findings.find((f) => f.code === 'turn/relay-candidate-timeout')!;
    const tl = relay.evidence.find((e) => e.kind === 'call-timeline') as { events: { line: number; text: string }[] };
    expect(tl.events[0]!.text).toMatch(/new quest login request 21/);
    expect(tl.events.at(-1)!.text).toMatch(/relay candidate creation timeout/);
    expect(findings.find((f) => f.check === 'cms.mmp-xmpp-multidomain')?.status).toBe('pass');
    // The document's licence expired in 2017: reported as a warning, not a pass.
    expect(findings.find((f) => f.check === 'cms.mmp-license')?.code).toBe('cms/license-inactive');
  });

  it('every realdata file of cms and expressway goes through recognisers and parsers without a crash', async () => {
    const all = [
      ...ls(`${FIXTURES}/cms/logs`).filter((f) => !f.endsWith('doc-troubleshoot4-eventlog.txt')),
      ...ls(`${FIXTURES}/cms/api-xml`),
      ...ls(`${FIXTURES}/expressway/realdata`),
    ];
    const { findings, rejected, files } = await triage(all);
    expect(files.length).toBe(24); // every CMS file recognised (with the TAC 215662 fragment); the Expressway ones are not ours
    expect(findings.filter((f) => f.status === 'error')).toEqual([]);
    expect(rejected.map((r) => r.split(':')[0]).sort()).toEqual([
      'tac213552_accessMethod_host_AS-RENDERED-MALFORMED.xml',
      'tac213552_callLegProfile_guest_AS-RENDERED-MALFORMED.xml',
      'tac213552_coSpace_guest_AS-RENDERED-MALFORMED.xml',
    ]);
    expect(rejected.every((r) => /not well-formed XML at line 1/.test(r))).toBe(true);
  });

  it('judges API dumps like the live answers', () => {
    expect(problems(judgeApiDump('cms/api-dumps', 'x', '<?xml version="1.0"?><turnServers total="0"/>') as Finding[])).toEqual([
      'cms/turn-not-configured',
    ]);
    expect(problems(judgeApiDump('cms/api-dumps', 'x', '<coSpaces total="0"></coSpaces>') as Finding[])).toEqual(['cms/no-spaces']);
    const st =
      '<?xml version="1.0"?>\n<turnServer>\n<status>success</status>\n<host><address>172.16.85.168</address><portNumber>3478</portNumber><reachable>false</reachable></host></turnServer>';
    expect(problems(judgeApiDump('s', 'x', st) as Finding[])).toEqual(['cms/turn-status-failure']);
    expect(
      problems(
        judgeApiDump(
          's',
          'x',
          '<alarms total="1"><alarm id="a"><type>c2wConnectionFailure</type><activeTimeSeconds>5</activeTimeSeconds></alarm></alarms>',
        ) as Finding[],
      ),
    ).toEqual(['webbridge/callbridge-connect-failure']);
    expect(problems(judgeApiDump('s', 'x', '<status><softwareVersion>2.0(RC)</softwareVersion></status>') as Finding[])).toEqual([
      'cms/version-unsupported',
    ]);
    expect(
      problems(
        judgeApiDump(
          's',
          'x',
          '<licensing><features><callBridge><status>noLicense</status></callBridge></features></licensing>',
        ) as Finding[],
      ),
    ).toEqual(['cms/license-inactive']);
  });
});

describe('bad input', () => {
  it('refuses an entity bomb and external entities with a clear error', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><coSpaces total="1">&lol2;</coSpaces>';
    expect(() => parseCmsXml(bomb)).toThrow(/DOCTYPE/);
    expect(() => parseCmsXml('<turnServers total="1"><turnServer>')).toThrow(/not well-formed/);
    expect(() => parseCmsXml('')).toThrow(/empty/);
    expect(() => interpret(200, '<turnServers total="1"><turnServer id="x"><serverAddress>1.1', '/turnServers')).toThrow(/not well-formed/);
    expect(() => interpret(404, '<?xml version="1.0"?><failureDetails><coSpaceDoesNotExist /></failureDetails>', '/coSpaces/x')).toThrow(
      /coSpaceDoesNotExist/,
    );
  });

  it('a log with binary junk and an overlong line is scanned, with line numbers right', async () => {
    const p = join(tmp, 'junk.log');
    const fd = openSync(p, 'w');
    writeSync(
      fd,
      'Feb 23 09:02:21.594 user.info CMS host:server: INFO : call 3: allocated for guest1 / "A" conference participation (Chrome)\n',
    );
    writeSync(fd, Buffer.from([0, 1, 2, 255, 254, 10, 0, 0, 13, 10]));
    writeSync(fd, Buffer.alloc(600 * 1024, 0x41)); // a 600 KiB line without end...
    writeSync(fd, ' call 4: ICE failure; relay candidate creation timeout\n'); // ...whose tail holds a signature
    writeSync(fd, 'Feb 23 09:02:24.000 user.warning CMS host:server: WARNING : call 3: ICE failure 4 (unauthorized - check credentials)\n');
    closeSync(fd);
    const r = await scanFile(p);
    expect(r.lines).toBe(5);
    expect(r.overlongLines).toBe(1);
    const cred = r.aggregates.find((a) => a.signature.id === 'ice-unauthorized')!;
    expect(cred.firstLine).toBe(5);
    expect(cred.timelines[0]!.events[0]!.line).toBe(1);
  });

  it('a truncated file and a file of random bytes end cleanly', async () => {
    const p = join(tmp, 'trunc.log');
    writeFileSync(p, 'Feb 23 09:02:21.594 user.info CMS host:server: INFO : call 3: ICE failure; relay cand');
    expect((await scanFile(p)).aggregates.map((a) => a.signature.id)).toEqual(['ice-failure-other']);
    const q = join(tmp, 'random.bin');
    writeFileSync(q, Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 256)));
    expect((await scanFile(q)).aggregates).toEqual([]);
    expect(recogniseCms(readFileSync(q).subarray(0, 65536))).toBeUndefined();
  });

  it('a 200 MB log scans in bounded memory and correlation stays bounded', async () => {
    const p = join(tmp, 'big.log');
    const fd = openSync(p, 'w');
    const block: string[] = [];
    for (let i = 0; i < 2000; i += 1) {
      block.push(
        `Feb 23 09:02:21.768 user.info CMS host:server: INFO : call ${i}: allocated for guest${i} / "T" conference participation (Firefox)`,
      );
      block.push(
        `Feb 23 09:02:21.769 user.info CMS host:server: INFO : participant "guest${i}" joined space 58ef98d1-5181-4e63-a386-4b60597be7e4 (9999)`,
      );
    }
    const buf = Buffer.from(block.join('\n') + '\n');
    let size = 0;
    let k = 0;
    while (size < 200 * 1024 * 1024) {
      writeSync(
        fd,
        buf.toString().replace(/call (\d+):/g, (_, n: string) => `call ${Number(n) + k * 2000}:`),
      );
      size += buf.length;
      k += 1;
    }
    writeSync(fd, 'Feb 23 09:03:00.000 user.warning CMS host:server: WARNING : call 5: ICE failure; relay candidate creation timeout\n');
    closeSync(fd);
    const before = process.memoryUsage().rss;
    const r = await scanFile(p, new LogScanner({ maxOpenCalls: 1000, maxOpenLogins: 1000, maxEventsPerCall: 24 }));
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024);
    expect(r.evictedCalls).toBeGreaterThan(100_000);
    const timeout = r.aggregates.find((a) => a.signature.code === 'turn/relay-candidate-timeout')!;
    expect(timeout.count).toBe(1);
    expect(timeout.firstLine).toBe(r.lines);
  }, 120_000);
});

describe('parsers on document output', () => {
  it('MMP license, xmpp, multi-domain and pki list', () => {
    expect(parseMmpLicense(readFileSync(`${FIX}mmp/doc-license.txt`, 'utf8')).features).toEqual([
      { name: 'callbridge', status: 'Activated', expiry: '2017-Jul-09', line: 2 },
    ]);
    expect(parseMmpLicense('Feature: turn status: Activated expiry: 2023-Apr-28 (690 days remain)').features[0]!.daysRemain).toBe(690);
    const secs = mmpSections(readFileSync(`${FIX}mmp/doc-callbridge-webbridge-xmpp-transcript.txt`, 'utf8'));
    expect(secs.map((s) => s.command)).toEqual(['callbridge', 'webbridge', 'xmpp']);
    expect(parseMmpXmpp(secs[2]!.text)).toMatchObject({ enabled: true, domain: 'cms.octavio.local', status: 'XMPP server running' });
    expect(parseXmppMultiDomainList(readFileSync(`${FIX}mmp/doc-xmpp-multi-domain-list.txt`, 'utf8'))).toEqual([
      { domain: 'octavio.com', keyFile: 'xmppmu.key', certificateFile: 'xmppmu.cer', bundleFile: 'root.cer', line: 3 },
    ]);
    expect(
      parsePkiList('streamer> pki list\nUser supplied certificates and keys:\ntac.key\ntac.cer\nROOTCA.cer\ntac.csr\n').map((e) => e.type),
    ).toEqual(['key', 'certificate', 'certificate', 'csr']);
    expect(recogniseCms(Buffer.from('User supplied certificates and keys:\ntac.key\n'))).toBe(KINDS.mmpPkiList);
  });

  it('log line formats', () => {
    expect(parseLogLine('<11>Jan 16 04:25:44 user.info cms20 authp:  Using authentication server x')).toMatchObject({
      format: 'syslog',
      program: 'authp',
    });
    expect(
      parseLogLine('2024-03-05T16:50:25.736 user.info cms01 host:server: INFO : AV1 Video Codec Enabled for Content: 0'),
    ).toMatchObject({ program: 'host:server', level: 'INFO' });
    expect(parseLogLine('Feb 23 09:02:21.599 local7.info CMS 3b8086e0e5a0 wb3_frontend: [Join call:x] 10.1.1.1')).toMatchObject({
      program: 'wb3_frontend',
    });
    expect(parseLogLine('2017-04-15\t12:09:06.647\tWeb bridge connection to "w" failed (DNS failure)')).toMatchObject({
      format: 'event-log',
      message: 'Web bridge connection to "w" failed (DNS failure)',
    });
    expect(parseLogLine('2024-03-06  12:36:05.737  Info     call 49: becoming floor')).toMatchObject({
      level: 'Info',
      message: 'call 49: becoming floor',
    });
  });
});

describe('fuzz (fast-check)', () => {
  const runs = 2000;
  it(`parsers never throw anything but CMSD_PARSE (${runs} runs each)`, () => {
    const okOrParse = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect((e as { code?: string }).code).toBe('CMSD_PARSE');
      }
    };
    const xmlish = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc
        .array(
          fc.constantFrom(
            '<turnServers total="1">',
            '<turnServer id="a">',
            '</turnServer>',
            '<host>',
            '</host>',
            '<reachable>true</reachable>',
            '</turnServers>',
            '<!DOCTYPE x>',
            '&lol;',
            '<a/>',
            '<?xml version="1.0"?>',
            '<status>',
          ),
          { maxLength: 20 },
        )
        .map((a) => a.join('')),
    );
    fc.assert(
      fc.property(xmlish, (s) => {
        okOrParse(() => parseCmsXml(s));
        okOrParse(() => judgeApiDump('s', 'p', s));
      }),
      { numRuns: runs },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        okOrParse(() => parseMmpLicense(s));
        okOrParse(() => parseMmpXmpp(s));
        okOrParse(() => parsePkiList(s));
        parseXmppMultiDomainList(s);
        parseFields(s);
        mmpSections(s);
        parseLogLine(s);
        recogniseCms(Buffer.from(s));
      }),
      { numRuns: runs },
    );
  });

  it(`the byte scan and the line scan agree on any text (${runs / 4} runs)`, async () => {
    const piece = fc.constantFrom(
      'call 6: ICE failure; relay candidate creation timeout',
      'call 7: allocated for guest1 / "x"',
      'Web bridge connection to "a" failed (connect failure)',
      '\n',
      '\r\n',
      'ICE failure 4 (unauthorized - check credentials)',
      'call 7: ICE failure 4 (unauthorized - check credentials)',
      'xyz',
      '\u00e9\u4e2d',
      '\u0000',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 40 }), fc.integer({ min: 1, max: 64 }), async (parts, chunkSize) => {
        const text = parts.join('');
        const bytes = Buffer.from(text);
        const chunks = async function* () {
          for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
        };
        const a = await scanStream(chunks());
        const lines = text.split('\n');
        if (lines.at(-1) === '') lines.pop();
        const b = await scanLines(lines.map((l) => l.replace(/\r$/, '')));
        const view = (r: typeof a) => r.aggregates.map((x) => [x.signature.id, x.count, x.firstLine, x.lastLine]);
        expect(view(a)).toEqual(view(b));
        expect(a.lines).toBe(b.lines);
      }),
      { numRuns: runs / 4 },
    );
  });
});
