/**
 * Reading an interactive MMP shell: output arrives in pieces, with the terminal's CRs and perhaps
 * colour codes, and a command is done when the prompt (`<hostname>> `) comes back. Pure functions
 * over the text received so far, so the framing is tested without a server.
 */

/** The MMP prompt is the host name and `> ` (facts §3: `CMS> `, `cms01> `, `cb1> `). */
const PROMPT_AT_END = /(?:^|\n)([A-Za-z0-9][A-Za-z0-9._-]{0,63})> $/;

// CSI and OSC sequences a terminal may add; stripped before anything is parsed or shown.
const TERMINAL_CODES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Terminal output as plain lines: CSI/OSC removed, CRLF and lone CR made LF. */
export const plainTerminalText = (raw: string): string => raw.replace(TERMINAL_CODES, '').replace(/\r+\n/g, '\n').replace(/\r/g, '\n');

/** The prompt's host name if `text` ends with a prompt, else undefined. */
export function promptAtEnd(text: string, expected?: string): string | undefined {
  const m = PROMPT_AT_END.exec(text);
  if (!m) return undefined;
  return expected === undefined || m[1] === expected ? m[1] : undefined;
}

/**
 * What a command printed: the text after its echoed command line and before the prompt that
 * ended it. A shell that does not echo gives the whole text before the prompt.
 */
export function commandOutput(text: string, command: string, prompt: string): string {
  let body = text.endsWith(`${prompt}> `) ? text.slice(0, -(prompt.length + 2)) : text;
  const lines = body.split('\n');
  if (lines[0]?.trim() === command) lines.shift();
  body = lines.join('\n');
  return body.endsWith('\n') ? body : body.length ? `${body}\n` : body;
}
