/**
 * Text as people attach it: a UTF-8 BOM, UTF-16 from Windows editors, CRLF, and lines copied out
 * of documents or mails with `Line 190:` or `> ` in front. The readers of this package look at the
 * record itself, so these are taken off before a line is read.
 */
import { decodeText, isUtf16Text } from '@cms-doctor/core';

/** Decodes bytes as UTF-16 (with a BOM, or by the NUL pattern of ASCII text) or UTF-8, without the BOM. */
export const decodeHumanText = (bytes: Uint8Array): string => decodeText(bytes) ?? new TextDecoder('utf-8', { fatal: false }).decode(bytes);

export { isUtf16Text };

const PREFIX = /^\s*(?:(?:>\s?)+|Line\s+\d+\s*:\s*|\d+\s*[:|]\s+(?=\d{4}-\d\d-\d\d))/i;

/** A line without what a person put in front of it (`Line 190: `, `> `), a BOM or a trailing CR. */
export function cleanHumanLine(line: string): string {
  let l = line.replace(/^\ufeff/, '').replace(/\r$/, '');
  // Quoting can nest with a line prefix inside (`> Line 12: ...`).
  for (let i = 0; i < 3; i++) {
    const m = PREFIX.exec(l);
    if (!m || m[0] === '') break;
    l = l.slice(m[0].length);
  }
  return l;
}

/** The lines of a decoded text, each cleaned. */
export const humanLines = (text: string): string[] => text.split(/\r?\n|\r/).map(cleanHumanLine);
