/**
 * MMP status screens are `Label<spaces>: value` lines, the colon column-aligned
 * per block and the spacing mangled by copy/paste; a capture may hold several
 * commands, each after a `host> command` prompt line. Shared by the `webbridge`,
 * `webbridge3` and `callbridge` parsers.
 */

export interface MmpField {
  label: string;
  value: string;
  /** 1-based line in the input. */
  line: number;
}

export interface MmpScreen {
  /** The command typed at the prompt that introduced this screen, when there was one. */
  command?: string;
  /** 1-based line of the first line of the screen. */
  line: number;
  fields: MmpField[];
}

const PROMPT = /^([A-Za-z0-9_.-]+)>\s*(.*)$/;
const FIELD = /^\s*([^:]*?[A-Za-z][^:]*?)\s*:\s*(.*?)\s*$/;

/** Label key: case and spacing do not matter. */
export const labelKey = (label: string): string => label.toLowerCase().replace(/\s+/g, ' ').trim();

/** Splits a capture at prompt lines; text without prompts is one screen. */
export function splitMmpScreens(text: string): MmpScreen[] {
  const screens: MmpScreen[] = [];
  let cur: MmpScreen = { line: 1, fields: [] };
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = raw.replace(/\u00a0/g, ' ');
    const prompt = PROMPT.exec(line.trim());
    if (prompt) {
      if (cur.fields.length > 0 || cur.command) screens.push(cur);
      cur = { line: i + 1, fields: [], ...(prompt[2] ? { command: prompt[2].trim() } : {}) };
      return;
    }
    const m = FIELD.exec(line);
    if (m && m[1]!.length <= 60) cur.fields.push({ label: m[1]!.replace(/\s+/g, ' '), value: m[2]!, line: i + 1 });
  });
  if (cur.fields.length > 0 || cur.command) screens.push(cur);
  return screens;
}

/** The field with this label (case/spacing-insensitive). */
export function field(screen: MmpScreen, label: string): MmpField | undefined {
  const k = labelKey(label);
  return screen.fields.find((f) => labelKey(f.label) === k);
}

/** The first screen holding every one of these labels. */
export function findScreen(text: string, labels: readonly string[], command?: RegExp): MmpScreen | undefined {
  return splitMmpScreens(text).find((s) => labels.every((l) => field(s, l)) && (!command || !s.command || command.test(s.command)));
}

/** `none` (any case) or empty means not set. */
export const valueOrNone = (v: string | undefined): string | null | undefined => (v === undefined ? undefined : v === '' || /^none$/i.test(v) ? null : v);

export const enabledValue = (v: string | undefined): boolean | undefined =>
  v === undefined ? undefined : /^(true|enabled|yes)$/i.test(v) ? true : /^(false|disabled|no)$/i.test(v) ? false : undefined;
