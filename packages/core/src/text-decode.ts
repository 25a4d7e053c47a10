/**
 * Text as people attach it: UTF-8 with or without a BOM, or UTF-16 (LE/BE, with or without a
 * BOM) as Windows PowerShell writes redirected output (`nslookup ... > out.txt`). Pure; never throws.
 */
const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf16le = new TextDecoder('utf-16le', { fatal: false });
const utf16be = new TextDecoder('utf-16be', { fatal: false });

/** UTF-16 without a BOM: most even (BE) or odd (LE) bytes of the head are NUL, as in ASCII text. */
function utf16Guess(b: Uint8Array): 'le' | 'be' | undefined {
  const n = Math.min(b.length, 4096) & ~1;
  if (n < 8) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenNul++;
    if (b[i + 1] === 0) oddNul++;
  }
  const half = n / 2;
  if (oddNul > half * 0.7 && evenNul < half * 0.1) return 'le';
  if (evenNul > half * 0.7 && oddNul < half * 0.1) return 'be';
  return undefined;
}

/** How the bytes are encoded, or `binary` when they are not text. */
export function textEncoding(b: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' | 'binary' {
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  const guess = utf16Guess(b);
  if (guess) return guess === 'le' ? 'utf-16le' : 'utf-16be';
  return b.includes(0) ? 'binary' : 'utf-8';
}

/** True when the head is UTF-16 text (so a NUL byte there does not mean a binary file). */
export const isUtf16Text = (head: Uint8Array): boolean => textEncoding(head).startsWith('utf-16');

/** The text of the bytes without BOM; `undefined` for binary data. A cut last character is dropped by the decoder. */
export function decodeText(b: Uint8Array): string | undefined {
  const enc = textEncoding(b);
  if (enc === 'binary') return undefined;
  const text = enc === 'utf-8' ? utf8.decode(b) : enc === 'utf-16le' ? utf16le.decode(b) : utf16be.decode(b);
  return text.replace(/^\uFEFF/, '');
}
