import { codeOf, CORE_CODES, defineCheck, emitterFor, type FindingDraft, type Recogniser } from '@cms-doctor/core';
import { EXPRESSWAY_CODES } from '../catalogue.js';
import { tlsFixesFor, tlsPeerOf } from './tls-peer.js';
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

const emit = emitterFor(CORE_CODES, EXPRESSWAY_CODES);

/**
 * One finding per peer and cause, with the count and the first and last lines. The fixes follow
 * the link the port names (traversal zone, neighbour or hybrid zone, web proxy, web bridge).
 */
export function tlsErrorFindings(
  errors: readonly TlsNegotiationError[],
  file: string,
  names: { webBridgeName?: string } = {},
): FindingDraft[] {
  const groups = new Map<string, TlsNegotiationError[]>();
  for (const e of errors) {
    const key = `${e.direction} ${e.peer} ${tlsCause(e.detail).cause}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.values()].map((list) => {
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const cause = tlsCause(first.detail);
    const peer = tlsPeerOf(first);
    const choice = tlsFixesFor(peer, cause, {
      ...(first.commonName !== undefined ? { commonName: first.commonName } : {}),
      ...(names.webBridgeName !== undefined ? { webBridgeName: names.webBridgeName } : {}),
    });
    const dir = first.direction === 'inbound' ? 'Inbound' : 'Outbound';
    const lines = list.length === 1 ? `line ${first.line}` : `lines ${first.line}-${last.line}`;
    return emit('expressway/tls-negotiation-error', {
      subject: `${file}:${first.line}`,
      detail:
        `${dir} TLS with ${first.peer} failed ${list.length} time(s) (${lines}): "${first.detail}", meaning ${cause.meaning}` +
        `${first.commonName ? `; certificate common name "${first.commonName}"` : ''}. Link: ${peer.role}, as ${peer.why}` +
        `${choice.note ? `; ${choice.note}` : ''}.`,
      evidence: [
        { kind: 'tls-peer', role: peer.role, why: peer.why, ...(first.servicePort !== undefined ? { port: first.servicePort } : {}) },
        ...list.slice(0, MAX_EVIDENCE).map((e) => ({ kind: 'log-line', file, line: e.line, text: e.text })),
      ],
      fixes: choice.fixes,
    });
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
      const own = tlsErrorFindings(errors, file.path, ctx.target.external ? { webBridgeName: ctx.target.external } : {});
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
