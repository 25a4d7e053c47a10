/**
 * MMP status screens are `Label<spaces>: value` lines, the colon column-aligned
 * per block and the spacing mangled by copy/paste; a capture may hold several
 * commands, each after a `host> command` prompt line. The one field parser of
 * every MMP screen parser in this folder.
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

/** One `Label : value` line, or undefined (prompts and lines without a label are not fields). */
function fieldOf(raw: string, line: number): MmpField | undefined {
  const m = FIELD.exec(raw.replace(/\u00a0/g, ' '));
  return m && m[1]!.length <= 60 ? { label: m[1]!.replace(/\s+/g, ' '), value: m[2]!, line } : undefined;
}

/** Every field of `text`; `firstLine` is the line number of its first line in the whole input. */
export function parseFields(text: string, firstLine = 1): MmpField[] {
  const out: MmpField[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    if (PROMPT.test(raw.trim())) return;
    const f = fieldOf(raw, firstLine + i);
    if (f) out.push(f);
  });
  return out;
}

/** Splits a capture at prompt lines; text without prompts is one screen. */
export function splitMmpScreens(text: string): MmpScreen[] {
  const screens: MmpScreen[] = [];
  let cur: MmpScreen = { line: 1, fields: [] };
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const prompt = PROMPT.exec(raw.replace(/\u00a0/g, ' ').trim());
    if (prompt) {
      if (cur.fields.length > 0 || cur.command) screens.push(cur);
      cur = { line: i + 1, fields: [], ...(prompt[2] ? { command: prompt[2].trim() } : {}) };
      return;
    }
    const f = fieldOf(raw, i + 1);
    if (f) cur.fields.push(f);
  });
  if (cur.fields.length > 0 || cur.command) screens.push(cur);
  return screens;
}

/** The field with this label (case/spacing-insensitive). */
export function findField(fields: readonly MmpField[], label: string): MmpField | undefined {
  const k = labelKey(label);
  return fields.find((f) => labelKey(f.label) === k);
}

export const field = (screen: MmpScreen, label: string): MmpField | undefined => findField(screen.fields, label);

/** The first screen holding every one of these labels. */
export function findScreen(text: string, labels: readonly string[], command?: RegExp): MmpScreen | undefined {
  return splitMmpScreens(text).find((s) => labels.every((l) => field(s, l)) && (!command || !s.command || command.test(s.command)));
}

/** `none` (any case) or empty means not set. */
export const valueOrNone = (v: string | undefined): string | null | undefined =>
  v === undefined ? undefined : v === '' || /^none$/i.test(v) ? null : v;

export const enabledValue = (v: string | undefined): boolean | undefined =>
  v === undefined ? undefined : /^(true|enabled|yes)$/i.test(v) ? true : /^(false|disabled|no)$/i.test(v) ? false : undefined;

/** A space- or comma-separated list; `none` is empty. */
export const listValue = (v: string): string[] => (valueOrNone(v) ? v.split(/[\s,]+/).filter(Boolean) : []);

/** One row of a screen's field table: output key, MMP label, value conversion. */
export type FieldRow<K extends string> = readonly [key: K, label: string, convert: (v: string) => unknown];

/** Reads a screen by its field table into `{ ...values, lines }`, keeping each field's line. */
export function readFields<K extends string>(
  screen: MmpScreen,
  table: readonly FieldRow<K>[],
): { lines: Partial<Record<K, number>> } & Partial<Record<K, unknown>> {
  const out: { lines: Partial<Record<K, number>> } & Partial<Record<K, unknown>> = { lines: {} } as never;
  for (const [key, label, convert] of table) {
    const f = field(screen, label);
    if (!f) continue;
    const v = convert(f.value);
    if (v !== undefined) (out as Record<K, unknown>)[key] = v;
    out.lines[key] = f.line;
  }
  return out;
}
