import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksLikePacketList, parsePacketListLine } from './packet-list-text.js';
import { packetListFindings } from '../checks/packet-list.js';

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
});
