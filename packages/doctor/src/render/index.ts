import type { Report } from '@cms-doctor/core';
import { renderText } from './text.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderJunit } from './junit.js';
import { printableReport } from './printable.js';

export type Format = 'text' | 'json' | 'markdown' | 'junit';
export const FORMATS: readonly Format[] = ['text', 'json', 'markdown', 'junit'];

export function render(raw: Report, format: Format, opts: { color: boolean; verbose?: boolean }): string {
  // Text and Markdown reach terminals and tickets: strings from outside are made printable.
  const report = format === 'text' || format === 'markdown' ? printableReport(raw) : raw;
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'junit':
      return renderJunit(report);
    case 'text':
      return renderText(report, opts);
  }
}

export { renderText, renderJson, renderMarkdown, renderJunit };
