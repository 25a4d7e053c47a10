import type { Recogniser } from '@cms-doctor/core';
import { HEAD_BYTES } from '@cms-doctor/core';
import { isClass, isType, parseTtl, tokenize } from './rr-text.js';
import { parseZone } from './zone-parse.js';

const decoder = new TextDecoder('utf-8', { fatal: false });
/** The head as text, without a last line the 64 KiB cut may have broken. */
function headLines(head: Uint8Array): string[] {
  if (head.includes(0)) return []; // binary
  const lines = decoder.decode(head).split('\n');
  if (head.length >= HEAD_BYTES) lines.pop();
  return lines;
}

/** `name. TTL CLASS TYPE data`: dig's full record form (absolute owner, TTL and class present). */
function fullFormRecord(line: string): boolean {
  const f = tokenize(line);
  return (
    f.length >= 5 &&
    (f[0] as string).endsWith('.') &&
    parseTtl(f[1] as string) !== undefined &&
    isClass(f[2] as string) &&
    isType(f[3] as string)
  );
}

/** By content: dig's banner or header, or `+noall +answer` output (only full-form records, no directives). */
export function looksLikeDig(head: Uint8Array): boolean {
  const lines = headLines(head);
  const text = lines.join('\n');
  if (/^;\s*<<>>\s*DiG\s/m.test(text) || /^;;\s*->>HEADER<<-\s*opcode:/m.test(text)) return true;
  const body = lines.map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith(';'));
  return body.length > 0 && body.every((l) => !l.startsWith('$') && !l.includes('(') && fullFormRecord(l));
}

/** By content: a master file with $ORIGIN/$TTL or an SOA, whose lines mostly parse as records. */
export function looksLikeZone(head: Uint8Array): boolean {
  const lines = headLines(head);
  if (lines.length === 0) return false;
  const text = lines.join('\n');
  if (!/^\$(ORIGIN|TTL)\s/im.test(text) && !/\sSOA\s/i.test(text)) return false;
  const z = parseZone(text);
  return z.records.length > 0 && z.errors.length <= z.records.length / 4;
}

export const digRecogniser: Recogniser = {
  kind: 'dig',
  area: 'dns',
  description: 'output of the dig command (full or +noall +answer form)',
  priority: 20,
  recognise: (head) => looksLikeDig(head),
};

export const zoneRecogniser: Recogniser = {
  kind: 'zone',
  area: 'dns',
  description: 'DNS zone file (BIND master file format)',
  priority: 10,
  recognise: (head) => !looksLikeDig(head) && looksLikeZone(head),
};
