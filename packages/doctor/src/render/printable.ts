import type { Report } from '@cms-doctor/core';

/**
 * Characters that a terminal acts on or that reorder what is shown: C0 controls (but tab
 * and newline), DEL, C1 controls (0x9b is a one-byte CSI), and the bidirectional
 * overrides and isolates ("Trojan Source"). A log line or a TURN REALM holding
 * `ESC ]0;title BEL` or `ESC [2J` must be shown, not obeyed.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escapeChar = (ch: string): string => {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** The string with every unsafe character written out visibly, e.g. ESC as `\x1b`. */
export function printable(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/** A Markdown table cell: printable, with `|` escaped and line breaks made spaces. */
export function markdownCell(s: string): string {
  return printable(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function deepPrintable(v: unknown): unknown {
  if (typeof v === 'string') return printable(v);
  if (Array.isArray(v)) return v.map(deepPrintable);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [printable(k), deepPrintable(x)]));
  return v;
}

/**
 * A copy of the report in which every string (target, finding titles, details, subjects,
 * evidence values, file paths and reasons) is printable. For the text and Markdown
 * renderers; JSON and JUnit escape by their own syntax.
 */
export function printableReport(report: Report): Report {
  return deepPrintable(report) as Report;
}
