/**
 * Findings from a log scan: one per aggregate, with its sample lines and call timelines
 * as evidence. Problem signatures emit through their code's table entry.
 */
import type { Evidence, FindingDraft, Status } from '@cms-doctor/core';
import { emit } from '../emit.js';
import { parseLogLine } from './line.js';
import { MAX_CALLS_LISTED } from './log-scanner.js';
import type { Aggregate, ScanResult } from './scan-result.js';

const fill = (template: string, a: Aggregate): string =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => (k === 'count' ? String(a.count) : (a.groups[k] ?? '')));

/** Findings from a scan of one file; `self` is the log check's own code for info findings. */
export function scanFindings(self: string, file: string, r: ScanResult): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const a of r.aggregates) {
    const sig = a.signature;
    const evidence: Evidence[] = [
      {
        kind: 'log-lines',
        file,
        signature: sig.id,
        count: a.count,
        firstLine: a.firstLine,
        lastLine: a.lastLine,
        lines: a.samples.map((s) => ({ line: s.line, text: s.text })),
        source: sig.source,
      },
    ];
    for (const t of a.timelines)
      evidence.push({
        kind: 'call-timeline',
        file,
        call: t.call,
        user: t.user ?? null,
        events: t.events.map((e) => ({ line: e.line, text: e.text, parsed: parseLogLine(e.text).timestamp ?? null })),
      });
    if (a.timelines.length > 0 && (r.evictedCalls > 0 || r.evictedLogins > 0))
      evidence.push({
        kind: 'correlation-bounded',
        evictedCalls: r.evictedCalls,
        evictedLogins: r.evictedLogins,
        note: 'older open calls/logins were evicted; a timeline may miss its start',
      });
    const where = a.count === 1 ? `${file}:${a.firstLine}` : `${file}:${a.firstLine}-${a.lastLine}`;
    const calls = a.calls.length > 0 ? ` Calls: ${a.calls.join(', ')}${a.calls.length >= MAX_CALLS_LISTED ? ', …' : ''}.` : '';
    const bounded =
      r.evictedCalls > 0
        ? ` Call correlation was bounded: ${r.evictedCalls} older open call(s) were evicted, so a timeline may start late.`
        : '';
    const what = `${fill(sig.title ?? sig.id, a)}${a.count > 1 ? ` ×${a.count}` : ''}`;
    const detail = `${a.count} line(s), first at line ${a.firstLine}, last at line ${a.lastLine}.${calls}${bounded}`;
    // Problem signatures emit through their code's table entry; notes keep the log check's own code.
    if (sig.code !== undefined && sig.code !== 'self' && sig.status !== undefined && sig.status !== 'info')
      out.push(emit(sig.code, { subject: where, detail: `${what}: ${detail}`, evidence, status: sig.status, fixes: sig.fixes ?? [] }));
    else
      out.push({
        code: self,
        status: (sig.status ?? 'info') as Status,
        title: what,
        detail,
        subject: where,
        evidence,
        basis: sig.basis,
      });
  }
  return out;
}
