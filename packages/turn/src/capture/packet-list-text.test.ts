import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksLikePacketList, parsePacketListLine } from './packet-list-text.js';
import { packetListFindings } from '../checks/packet-list.js';
import { DissectionReader, looksLikeDissection, parseDissection } from './packet-dissection-text.js';

const fixture = (p: string): string => readFileSync(new URL(`../../../../fixtures/${p}`, import.meta.url), 'utf8');
const rows = (text: string) => text.split(/\r?\n/).flatMap((l, i) => parsePacketListLine(l, i + 1) ?? []);

describe('Wireshark packet list as text', () => {
  it("reads the TAC 210800 rows (Wireshark's own columns) into a 431 credential mismatch", () => {
    const text = fixture('expressway/realdata/wireshark-summary_tac210800_expe-turn-allocate-431-401.txt');
    expect(looksLikePacketList(text)).toBe(true);
    const r = rows(text);
    expect(r.map((x) => [x.frame, x.method, x.cls, x.code, x.username, x.realm])).toEqual([
      [1329, 'Allocate', 'request', undefined, 'expturncreds', 'TANDBERG'],
      [1363, 'Allocate', 'error', 431, 'expturncreds', 'TANDBERG'],
      [3965, 'Allocate', 'error', 401, 'expturncreds', 'TANDBERG'],
    ]);
    const codes = packetListFindings(r, 'f').map((f) => [f.code, f.status]);
    expect(codes).toEqual([
      ['turn/integrity-check-failure', 'fail'],
      ['turn/credentials-rejected', 'fail'],
      ['turn/packet-list', 'info'],
    ]);
  });

  it('reads tshark output (src → dst) of the lab capture; the first 401 challenge is not a rejection', () => {
    const r = rows(fixture('stun/tshark-stun-431.txt'));
    expect(r.map((x) => x.code ?? x.cls)).toEqual(['request', 401, 'request', 431]);
    expect(packetListFindings(r, 'f').map((f) => f.code)).toEqual(['turn/integrity-check-failure', 'turn/packet-list']);
  });

  it('never throws and never claims random text (fast-check, 3000 runs)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        parsePacketListLine(s, 1);
        looksLikePacketList(s);
      }),
      { numRuns: 3000 },
    );
    expect(looksLikePacketList('Nov 25 10:00:00 cms host:server: INFO : call 6: ICE failure\n')).toBe(false);
  });

  it('reads a list copied without the No. and Time columns (tshark 4.0, same capture)', () => {
    const r = rows(fixture('stun/tshark-stun-431-no-frame-time.txt'));
    expect(r.map((x) => [x.frame, x.code ?? x.cls, x.username])).toEqual([
      [undefined, 'request', undefined],
      [undefined, 401, undefined],
      [undefined, 'request', 'turnuser'],
      [undefined, 431, undefined],
    ]);
    const f = packetListFindings(r, 'f');
    expect(f.map((x) => x.code)).toEqual(['turn/integrity-check-failure', 'turn/packet-list']);
    expect(f[0]!.detail).toContain('first at line 4');
  });

  it("reads the source document's own Troubleshoot 4 rows (the Info column alone)", () => {
    // Quoted from the source document, Troubleshoot 4 (client capture, filter `stun`).
    const text = [
      'Allocate Request UDP user: turnuser realm: turnuser with nonce',
      'Allocate Error Response ... error-code: 431 (Integrity Check Failure)',
    ].join('\n');
    expect(looksLikePacketList(text)).toBe(true);
    const r = rows(text);
    expect(r.map((x) => [x.method, x.cls, x.code, x.username, x.realm, x.nonce])).toEqual([
      ['Allocate', 'request', undefined, 'turnuser', 'turnuser', true],
      ['Allocate', 'error', 431, undefined, undefined, false],
    ]);
    expect(packetListFindings(r, 'f')[0]).toMatchObject({ code: 'turn/integrity-check-failure', status: 'fail' });
    // A bare method name in prose is not a row.
    expect(parsePacketListLine('the Allocate Request was sent again', 1)).toBeUndefined();
  });

  it.each(['stun/tshark-V-stun-431.txt', 'stun/tshark-export-dissections-stun-431.txt'])(
    'reads packet details (%s, tshark 4.0 -V / -P -V) into the same 401-then-431 exchange',
    (name) => {
      const text = fixture(name);
      expect(looksLikeDissection(text)).toBe(true);
      const r = parseDissection(text);
      expect(r.map((x) => [x.frame, x.source, x.code ?? x.cls, x.username, x.realm, x.nonce])).toEqual([
        [1, '127.0.0.1:33584', 'request', undefined, undefined, false],
        [2, '127.88.246.156:36161', 401, undefined, 'turnuser', true],
        [3, '127.0.0.1:33584', 'request', 'turnuser', 'turnuser', true],
        [4, '127.88.246.156:36161', 431, undefined, undefined, false],
      ]);
      expect(packetListFindings(r, 'f').map((f) => f.code)).toEqual(['turn/integrity-check-failure', 'turn/packet-list']);
    },
  );

  it('fuzz: the details reader never throws on random lines (fast-check, 2000 runs)', () => {
    const pieces = fc.constantFrom(
      'Frame 7: 1 bytes',
      '    Message Type: 0x0113 (Allocate Error Response)',
      '        ERROR-CODE 431 (x)',
      '        USERNAME: u',
      'User Datagram Protocol, Src Port: 1, Dst Port: 2',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 80 }), pieces), { maxLength: 40 }), (lines) => {
        const r = new DissectionReader();
        lines.forEach((l, i) => r.line(l, i + 1));
        r.end();
        parseDissection(lines.join('\n'));
        looksLikeDissection(lines.join('\n'));
      }),
      { numRuns: 2000 },
    );
  });
});
