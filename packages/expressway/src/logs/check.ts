import { codeOf, defineCheck, type FindingDraft, type Recogniser } from '@cms-doctor/core';
import { isTvcsLogLine, parseTlsNegotiationError, tlsCause, type TlsNegotiationError } from './tvcs-log.js';

export const EXPRESSWAY_LOG = 'expressway-log';
const decoder = new TextDecoder('utf-8', { fatal: false });
const MAX_EVIDENCE = 5;

export const expresswayLogRecogniser: Recogniser = {
  kind: EXPRESSWAY_LOG,
  area: 'expressway',
  description: 'Expressway diagnostic or event log (tvcs key="value" records)',
  priority: 12,
  recognise(head) {
    if (head.subarray(0, 512).includes(0)) return false;
    return decoder.decode(head).split(/\r?\n/, 50).some(isTvcsLogLine);
  },
};

/** One finding per peer and cause, with the count and the first and last lines. */
export function tlsErrorFindings(errors: readonly TlsNegotiationError[], file: string): FindingDraft[] {
  const groups = new Map<string, TlsNegotiationError[]>();
  for (const e of errors) {
    const key = `${e.direction} ${e.peer} ${tlsCause(e.detail).cause}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.values()].map((list) => {
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const cause = tlsCause(first.detail);
    return {
      code: 'expressway/tls-negotiation-error',
      status: 'warn',
      title: `${first.direction === 'inbound' ? 'Inbound' : 'Outbound'} TLS with ${first.peer} failed: ${cause.meaning}`,
      detail: `"${first.detail}" ${list.length} time(s), lines ${first.line}-${last.line}${first.commonName ? `; certificate common name "${first.commonName}"` : ''}.`,
      subject: `${file}:${first.line}`,
      evidence: list.slice(0, MAX_EVIDENCE).map((e) => ({ kind: 'log-line', file, line: e.line, text: e.text })),
      fixes: cause.fixes,
      basis: 'field',
    };
  });
}

export const expresswayLogCheck = defineCheck({
  id: 'expressway.logs',
  title: 'Expressway logs: TLS negotiation errors',
  area: 'expressway',
  modes: ['offline'],
  needs: [`file:${EXPRESSWAY_LOG}`],
  async run(ctx) {
    const findings: FindingDraft[] = [];
    for (const file of ctx.files(EXPRESSWAY_LOG)) {
      const errors: TlsNegotiationError[] = [];
      let n = 0;
      for await (const line of file.lines()) {
        n += 1;
        const e = parseTlsNegotiationError(line, n);
        if (e) errors.push(e);
      }
      const own = tlsErrorFindings(errors, file.path);
      findings.push(
        ...(own.length
          ? own
          : [
              {
                code: codeOf('expressway.logs'),
                status: 'info' as const,
                title: `No TLS negotiation error in ${n} line(s)`,
                subject: file.path,
              },
            ]),
      );
    }
    return findings;
  },
});
