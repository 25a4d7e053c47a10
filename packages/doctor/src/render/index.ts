import type { Report } from '@cms-doctor/core';
import { renderText } from './text.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderJunit } from './junit.js';
import { renderHtml } from './html.js';
import { printableReport } from './printable.js';
import type { Redaction } from './redact-report.js';

export type Format = 'text' | 'json' | 'markdown' | 'junit' | 'html';
export const FORMATS: readonly Format[] = ['text', 'json', 'markdown', 'junit', 'html'];

export interface RenderOptions {
  color: boolean;
  verbose?: boolean;
  /** `--redact`: names and addresses replaced by tokens before anything is rendered. */
  redaction?: Redaction;
}

export function render(given: Report, format: Format, opts: RenderOptions): string {
  let raw = given;
  if (opts.redaction) {
    opts.redaction.collect(given);
    raw = opts.redaction.apply(given);
  }
  // Text and Markdown reach terminals and tickets: strings from outside are made printable.
  // HTML is escaped by its renderer; control characters are made visible there too.
  const report = format === 'text' || format === 'markdown' || format === 'html' ? printableReport(raw) : raw;
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'junit':
      return renderJunit(report);
    case 'html':
      return renderHtml(report);
    case 'text':
      return renderText(report, opts);
  }
}

export { renderText, renderJson, renderMarkdown, renderJunit, renderHtml };
export { createRedaction, redactReport, redactReports, type Redaction, type RedactionMap } from './redact-report.js';
