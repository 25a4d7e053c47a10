/**
 * Text as people attach it: a UTF-8 BOM, UTF-16 from Windows editors, CRLF, and lines copied out
 * of documents or mails with `Line 190:` or `> ` in front. The readers of this package look at the
 * record itself, so these are taken off before a line is read.
 */

/** Decodes bytes as UTF-16 (with a BOM, or by the NUL pattern of ASCII text) or UTF-8, without the BOM. */
export function decodeHumanText(bytes: Uint8Array): string {
  const b = bytes;
  if (b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le').decode(b.subarray(2));
  if (b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b.subarray(2));
  const utf16 = utf16Guess(b);
  if (utf16) return new TextDecoder(utf16).decode(b);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(b);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** ASCII text saved as UTF-16 without a BOM: every other byte of the head is NUL. */
function utf16Guess(b: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(b.length, 512) & ~1;
  if (n < 8) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenNul++;
    if (b[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.9 && evenNul < pairs * 0.1) return 'utf-16le';
  if (evenNul > pairs * 0.9 && oddNul < pairs * 0.1) return 'utf-16be';
  return undefined;
}

/** True when the head is UTF-16 text (so a NUL byte there does not mean a binary file). */
export const isUtf16Text = (head: Uint8Array): boolean =>
  (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) || utf16Guess(head) !== undefined;

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
