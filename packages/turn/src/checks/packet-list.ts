import { codeOf, defineCheck, type FindingDraft } from '@cms-doctor/core';
import { parsePacketListLine, type PacketListRow } from '../capture/packet-list-text.js';
import { DissectionReader } from '../capture/packet-dissection-text.js';
import { ALLOCATE_ERROR_CODES, emit } from '../probe/verdict.js';

const MAX_EVIDENCE = 20;

/** Frame number when the copy kept the No. column, else the line of the file. */
const where = (r: PacketListRow): string => (r.frame !== undefined ? `frame ${r.frame}` : `line ${r.line}`);

export { packetListRecogniser } from './recognise.js';

/**
 * The live prober's verdicts from rows of a packet list: an Allocate error response decides
 * by its numeric code. Wireshark writes the request's `user:` on the response it pairs, so a
 * 401 with a user is a rejection of credentials, not the first challenge.
 */
export function packetListFindings(rows: readonly PacketListRow[], file: string): FindingDraft[] {
  const byCode = new Map<string, PacketListRow[]>();
  const repeated: PacketListRow[] = [];
  for (const r of rows) {
    if (r.method !== 'Allocate' || r.cls !== 'error' || r.code === undefined) continue;
    if (r.code === 401 && r.username === undefined) continue;
    if (r.code === 438) continue; // a client recovers by retrying with the new nonce
    // A 437 after a successful Allocate between the same two hosts is a repeated Allocate, not a failure.
    if (
      r.code === 437 &&
      rows.some(
        (s) =>
          s.line < r.line && s.method === 'Allocate' && s.cls === 'success' && s.source === r.source && s.destination === r.destination,
      )
    ) {
      repeated.push(r);
      continue;
    }
    const code = ALLOCATE_ERROR_CODES.get(r.code);
    if (code) byCode.set(code, [...(byCode.get(code) ?? []), r]);
  }
  const findings: FindingDraft[] = [...byCode].map(([code, list]) => {
    const first = list[0]!;
    return emit(code, {
      subject: `${file}:${first.line}`,
      detail: `${list.length} Allocate error response(s) with ${first.code} from ${first.source}${first.realm ? ` (realm "${first.realm}")` : ''}${first.username ? `, user "${first.username}" (as the packet list shows it)` : ''}; first at ${where(first)}.`,
      evidence: list.slice(0, MAX_EVIDENCE).map((r) => ({ kind: 'packet-list-row', file, line: r.line, frame: r.frame, text: r.text })),
    });
  });
  if (repeated.length > 0)
    findings.push({
      code: codeOf('turn.packet-list'),
      status: 'info',
      title: `437 at ${where(repeated[0]!)} follows a successful Allocate between the same hosts`,
      detail: `${repeated.length} Allocate 437 Allocation Mismatch response(s) after an Allocate success from ${repeated[0]!.source} to ${repeated[0]!.destination}: a repeated Allocate on a flow that already has an allocation, not a failed new allocation (a packet list shows no ports to confirm the flow).`,
      subject: `${file}:${repeated[0]!.line}`,
    });
  const allocated = rows.filter((r) => r.method === 'Allocate' && r.cls === 'success').length;
  findings.push({
    code: codeOf('turn.packet-list'),
    status: 'info',
    title: `${rows.length} STUN row(s) in the packet list; ${allocated} successful Allocate(s)`,
    subject: file,
  });
  return findings;
}

export const packetListCheck = defineCheck({
  id: 'turn.packet-list',
  title: 'STUN/TURN rows of a Wireshark packet list',
  area: 'turn',
  modes: ['offline'],
  needs: ['file:stun-packet-list'],
  async run(ctx) {
    const findings: FindingDraft[] = [];
    for (const file of ctx.files('stun-packet-list')) {
      // Summary rows and, for tshark -V or Export Packet Dissections, the details: when the
      // details hold STUN messages they are used (the summary lines of an export repeat them).
      const rows: PacketListRow[] = [];
      const detailed: PacketListRow[] = [];
      const details = new DissectionReader();
      let n = 0;
      for await (const line of file.lines()) {
        n += 1;
        const row = parsePacketListLine(line, n);
        if (row) rows.push(row);
        const message = details.line(line, n);
        if (message) detailed.push(message);
      }
      const last = details.end();
      if (last) detailed.push(last);
      findings.push(...packetListFindings(detailed.length > 0 ? detailed : rows, file.path));
    }
    return findings;
  },
});
