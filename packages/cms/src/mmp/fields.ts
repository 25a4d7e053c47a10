export { parseFields, findField as field, type MmpField } from './labelled-fields.js';

/** One command's output in an MMP transcript (`host> command` then its output). */
export interface MmpSection {
  /** The command typed, or the command guessed from the output when there is no prompt. */
  command: string;
  prompt?: string;
  text: string;
  /** Line of the first output line in the whole file. */
  firstLine: number;
}

const PROMPT = /^([A-Za-z0-9_.-]+)>\s*(.*?)\s*$/;
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;

/**
 * A transcript line without what the terminal or a person added: colour codes, a BOM, a trailing
 * CR, `Line 12: ` from an editor's search results and `> ` mail quoting (MMP output itself never
 * starts with `>`).
 */
export function cleanMmpLine(line: string): string {
  return line
    .replace(ANSI, '')
    .replace(/^\ufeff/, '')
    .replace(/\r$/, '')
    .replace(/^\s*(?:>\s?)+(?=\S|$)/, '')
    .replace(/^Line \d+:\s?/, '');
}

/** Splits MMP output by prompt lines; text without any prompt is one section, its command guessed. */
export function mmpSections(text: string): MmpSection[] {
  const lines = text.split(/\r?\n|\r/).map(cleanMmpLine);
  const out: MmpSection[] = [];
  let cur: { command: string; prompt?: string; lines: string[]; firstLine: number } | undefined;
  let preamble: string[] = [];
  lines.forEach((l, i) => {
    const m = PROMPT.exec(l);
    if (m) {
      if (cur)
        out.push({
          command: cur.command,
          ...(cur.prompt ? { prompt: cur.prompt } : {}),
          text: cur.lines.join('\n'),
          firstLine: cur.firstLine,
        });
      cur = m[2] ? { command: m[2], prompt: m[1]!, lines: [], firstLine: i + 2 } : undefined;
      return;
    }
    if (cur) cur.lines.push(l);
    else preamble.push(l);
  });
  if (cur)
    out.push({ command: cur.command, ...(cur.prompt ? { prompt: cur.prompt } : {}), text: cur.lines.join('\n'), firstLine: cur.firstLine });
  if (out.length === 0 && preamble.some((l) => l.trim() !== '')) {
    const body = preamble.join('\n');
    const guessed = guessMmpCommand(body);
    if (guessed) out.push({ command: guessed, text: body, firstLine: 1 });
  }
  preamble = [];
  return out;
}

/**
 * Which MMP command printed this output, by its labels. Used by the recognisers and
 * for sections without a prompt.
 */
export function guessMmpCommand(text: string): string | undefined {
  if (/^Feature: \S+ status: /m.test(text)) return 'license';
  if (/^User supplied certificates and keys:/m.test(text)) return 'pki list';
  if (/^\s*(?:C2W Trust bundle|HTTPS listening ports and interfaces|C2W listening ports and interfaces)\s*:/m.test(text))
    return 'webbridge3';
  if (
    /^\s*(?:Interface whitelist|Clickonce URL)\s*:/m.test(text) ||
    (/^\s*Trust bundle\s*:/m.test(text) && /^\s*HTTP redirect\s*:/m.test(text))
  )
    return 'webbridge';
  if (/^\s*Max sessions per user\s*:/m.test(text) || /^\s*STATUS\s*:\s*XMPP/m.test(text)) return 'xmpp';
  if (/^\*{3}\s*$/m.test(text) && /^\s*Domain\s*:/m.test(text) && /^\s*(?:Key file|Bundle file)\s*:/m.test(text))
    return 'xmpp multi_domain list';
  if (/^\s*Listening interfaces\s*:/m.test(text) && /^\s*Preferred interface\s*:/m.test(text)) return 'callbridge';
  return undefined;
}
