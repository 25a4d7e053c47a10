import { CmsDoctorError } from '@cms-doctor/core';

/** One `-----BEGIN X-----` ... `-----END X-----` block. */
export interface PemBlock {
  label: string;
  der: Buffer;
  /** 1-based line of the BEGIN line. */
  line: number;
}

const BEGIN = /^-----BEGIN ([A-Z0-9 #._-]+)-----\s*$/;
const END = /^-----END ([A-Z0-9 #._-]+)-----\s*$/;
const BASE64_LINE = /^[A-Za-z0-9+/=]*$/;

/** True when the text holds PEM armour at all (cheap test for recognisers and the loader). */
export const looksLikePem = (text: string): boolean => /-----BEGIN [A-Z0-9 #._-]+-----/.test(text);

/**
 * Splits PEM text into blocks. Tolerates CRLF or LF, blank lines and any text
 * between blocks (openssl's `subject=`/`issuer=` lines, bag attributes), and
 * RFC 1421 headers (`Proc-Type:`) inside a block. A block whose body is not
 * base64 or that is never closed is an error with its line number.
 */
export function parsePem(text: string): PemBlock[] {
  const lines = text.split(/\r\n|\r|\n/);
  const blocks: PemBlock[] = [];
  let open: { label: string; line: number; body: string[] } | undefined;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!open) {
      const m = BEGIN.exec(line);
      if (m) open = { label: m[1]!, line: i + 1, body: [] };
      return;
    }
    const end = END.exec(line);
    if (end) {
      if (end[1] !== open.label) {
        throw new CmsDoctorError(
          'CMSD_PARSE',
          `PEM: block "${open.label}" opened on line ${open.line} is closed as "${end[1]}" on line ${i + 1}`,
          { place: { line: i + 1 } },
        );
      }
      const body = open.body.join('');
      if (body.length === 0)
        throw new CmsDoctorError('CMSD_PARSE', `PEM: block "${open.label}" on line ${open.line} is empty`, { place: { line: open.line } });
      blocks.push({ label: open.label, der: Buffer.from(body, 'base64'), line: open.line });
      open = undefined;
      return;
    }
    if (line === '' || /^[A-Za-z-]+:/.test(line)) return; // blank line or an RFC 1421 header
    if (!BASE64_LINE.test(line)) {
      throw new CmsDoctorError('CMSD_PARSE', `PEM: line ${i + 1} inside block "${open.label}" is not base64`, { place: { line: i + 1 } });
    }
    open.body.push(line);
  });
  if (open)
    throw new CmsDoctorError('CMSD_PARSE', `PEM: block "${open.label}" opened on line ${open.line} is never closed`, {
      place: { line: open.line },
    });
  return blocks.length > 0 ? blocks : parseEscapedPem(text);
}

/** PEM inside a JSON or code string: the line ends are `\n` escapes. */
const ESCAPED_BLOCK = /-----BEGIN ([A-Z0-9 #._-]+)-----((?:\\[rn]|[A-Za-z0-9+/=\s])+?)-----END \1-----/g;

/**
 * Blocks of PEM quoted in a JSON document or source code (test vectors, API answers,
 * a pasted config), which `parsePem` cannot see because their line ends are escaped.
 */
function parseEscapedPem(text: string): PemBlock[] {
  if (!text.includes('\\n')) return [];
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(ESCAPED_BLOCK)) {
    const body = m[2]!.replace(/\\[rn]|\s/g, '');
    if (body.length === 0) continue;
    const line = text.slice(0, m.index).split('\n').length;
    blocks.push({ label: m[1]!, der: Buffer.from(body, 'base64'), line });
  }
  return blocks;
}

/** PEM text of one DER certificate, 64 columns, LF. */
export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}
