import { codeOf, CORE_CODES, defineCheck, emitterFor, type FindingDraft, type TriageFile } from '@cms-doctor/core';
import { EXPRESSWAY_CODES } from '../catalogue.js';
import { guestUriIsInternal } from '../pages/checks.js';
import { cleanHumanLine, decodeHumanText, isUtf16Text } from './human-text.js';
import {
  collectEdgeCmsServers,
  parseAlarm,
  parseCmsCheckFailed,
  parseTcpClose,
  parseWebConfigChange,
  type AlarmRecord,
  type CmsCheckFailure,
  type ConfigChange,
  type EdgeCmsServer,
  type TcpClose,
} from './records.js';
import { tlsFixesFor, tlsPeerOf } from './tls-peer.js';
import { parseTlsNegotiationError, tlsCause, type TlsNegotiationError } from './tvcs-log.js';

import { EXPRESSWAY_LOG } from './recognise.js';

export { EXPRESSWAY_LOG };
const MAX_EVIDENCE = 5;
const MAX_UTF16_BYTES = 64 * 1024 * 1024;

export { expresswayLogRecogniser } from './recognise.js';

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

/** A `network.tcp` close whose Reason is a certificate failure, as a TLS failure of the connection it closes. */
function closeAsTlsError(c: TcpClose): TlsNegotiationError {
  const [ip, port] = [c.peer.slice(0, c.peer.lastIndexOf(':')), Number(c.peer.slice(c.peer.lastIndexOf(':') + 1))];
  return {
    line: c.line,
    direction: 'outbound',
    peer: c.peer,
    ...(ip !== '?' ? { peerIp: ip } : {}),
    ...(Number.isInteger(port) && port > 0 && port < 65536 ? { servicePort: port } : {}),
    detail: c.reason,
    text: c.text,
  };
}

/** Closes whose Reason is no certificate failure: grouped by peer and reason, the reason named. */
export function tcpCloseFindings(closes: readonly TcpClose[], file: string): FindingDraft[] {
  const groups = new Map<string, TcpClose[]>();
  for (const c of closes) groups.set(`${c.peer} ${c.reason}`, [...(groups.get(`${c.peer} ${c.reason}`) ?? []), c]);
  return [...groups.values()].map((list) => {
    const first = list[0]!;
    return emit('expressway/tcp-closed-with-reason', {
      subject: `${file}:${first.line}`,
      detail: `The TCP connection with ${first.peer} was closed ${list.length} time(s) with Reason "${first.reason}" (first at line ${first.line}; network.tcp records of this log).`,
      evidence: list.slice(0, MAX_EVIDENCE).map((c) => ({ kind: 'log-line', file, line: c.line, text: c.text })),
    });
  });
}

/** `CMS check failed`: Expressway-C's probe of the web bridge at that address got no HTTPS answer (TAC 213481). */
export function cmsCheckFindings(failures: readonly CmsCheckFailure[], file: string): FindingDraft[] {
  const groups = new Map<string, CmsCheckFailure[]>();
  for (const f of failures) groups.set(f.address, [...(groups.get(f.address) ?? []), f]);
  return [...groups.values()].map((list) => {
    const first = list[0]!;
    const refused = /connection refused/i.test(first.error);
    return emit('expressway/web-bridge-unreachable', {
      subject: `${file}:${first.line}`,
      detail:
        `Expressway-C's check of the Meeting Server web bridge at ${first.address} failed ${list.length} time(s) (first at line ${first.line}): "${first.error}". ` +
        (refused
          ? 'Nothing accepts connections there: TechNote 213481 shows this when the web bridge on that CMS is not enabled (MMP `webbridge` / `webbridge3`); otherwise the address Expressway-C resolved is not a web bridge.'
          : 'Check that the web bridge at that address is enabled and reachable from Expressway-C.'),
      evidence: list.slice(0, MAX_EVIDENCE).map((c) => ({ kind: 'log-line', file, line: c.line, text: c.text })),
    });
  });
}

/** The web bridges Expressway-C stored (clusterdb records): listed, and a failed SRV lookup named. */
export function edgeServerFindings(servers: readonly EdgeCmsServer[], file: string): FindingDraft[] {
  if (servers.length === 0) return [];
  const v = (s: EdgeCmsServer, k: string): string => s.values.get(k)?.value ?? '?';
  const evidence = servers.map((s) => ({
    kind: 'log-line',
    file,
    line: s.firstLine,
    text: `web bridge ${v(s, 'dnsname')} address ${v(s, 'address')} port ${v(s, 'port')} priority ${v(s, 'priority')} weight ${v(s, 'weight')} (guest account client URI ${s.name})`,
  }));
  const noSrv = servers.filter((s) => v(s, 'priority') === '65536');
  const out: FindingDraft[] = [];
  if (noSrv.length > 0) {
    const first = noSrv[0]!;
    out.push(
      emit('expressway/web-bridge-srv-missing', {
        subject: `${file}:${first.values.get('priority')?.line ?? first.firstLine}`,
        detail:
          `Expressway-C stored ${noSrv.length} web bridge(s) for ${first.name} with priority 65536 and weight ${v(first, 'weight')} (${noSrv.map((s) => v(s, 'address')).join(', ')}). ` +
          `TechNote 213481: these values mean the DNS SRV lookup _cms-web._tls.${first.name} failed and the web bridge came from the A record; create that SRV record for the guest account client URI host.`,
        evidence,
      }),
    );
  } else {
    out.push({
      code: codeOf('expressway.logs'),
      status: 'info',
      title: `Expressway-C lists ${servers.length} web bridge(s) for ${servers[0]!.name}`,
      detail: servers.map((s) => `${v(s, 'dnsname')} ${v(s, 'address')}:${v(s, 'port')}`).join(', '),
      subject: `${file}:${servers[0]!.firstLine}`,
      evidence,
    });
  }
  return out;
}

/** The guest account client URI the log shows (clusterdb or web audit records), judged like the page's. */
export function guestUriFindings(
  uris: readonly { value: string; line: number; from: string }[],
  file: string,
  target: { external?: string | undefined; internalDomain?: string | undefined },
): FindingDraft[] {
  const seen = new Map<string, { value: string; line: number; from: string }>();
  for (const u of uris) if (!seen.has(u.value)) seen.set(u.value, u);
  return [...seen.values()].map((u) => {
    const subject = `${file}:${u.line}`;
    const evidence = [{ kind: 'log-line', file, line: u.line, text: `Guest account client URI ${u.value} (${u.from})` }];
    const internal = guestUriIsInternal(u.value, target);
    if (internal === true) {
      const against = target.external
        ? `the external name ${target.external} (--external)`
        : `the internal domain ${target.internalDomain ?? ''} (--internal-domain)`;
      return emit('expressway/guest-uri-internal', {
        subject,
        detail: `The Expressway-C log (${subject}, ${u.from}) shows Guest account client URI ${u.value}, compared with ${against}.`,
        evidence,
      });
    }
    return {
      code: codeOf('expressway.logs'),
      status: 'info' as const,
      title:
        internal === false
          ? `Expressway-C guest account client URI in the log is the external name ${u.value}`
          : `Expressway-C guest account client URI in the log is ${u.value}`,
      ...(internal === undefined ? { detail: 'give --external or --internal-domain to judge it', needs: ['external'] } : {}),
      subject,
      evidence,
    };
  });
}

/** Alarms raised or lowered in the log: listed, not judged (cms-doctor does not know every alarm's meaning). */
export function alarmFindings(alarms: readonly AlarmRecord[], file: string): FindingDraft[] {
  const raised = alarms.filter((a) => /raised/i.test(a.event));
  if (raised.length === 0) return [];
  return [
    {
      code: codeOf('expressway.logs'),
      status: 'info',
      title: `${raised.length} Expressway alarm(s) raised in the log`,
      detail: raised.map((a) => `${a.id}: ${a.detail}`).join('; '),
      subject: `${file}:${raised[0]!.line}`,
      evidence: raised.slice(0, MAX_EVIDENCE).map((a) => ({ kind: 'log-line', file, line: a.line, text: a.text })),
    },
  ];
}

/** Everything the log check reads from one file. */
export interface ExpresswayLogReading {
  lines: number;
  tlsErrors: TlsNegotiationError[];
  tcpCloses: TcpClose[];
  cmsChecks: CmsCheckFailure[];
  servers: EdgeCmsServer[];
  guestUris: { value: string; line: number; from: string }[];
  alarms: AlarmRecord[];
  changes: ConfigChange[];
}

/** Records kept of each kind: a huge log keeps memory bounded (counts then stop at this number). */
export const MAX_RECORDS = 5000;

const keep = <T>(list: T[], item: T | undefined): void => {
  if (item !== undefined && list.length < MAX_RECORDS) list.push(item);
};

/** Reads one line at a time, so a large `loggingsnapshot` streams; `finish` gives the reading. */
export class ExpresswayLogReader {
  private readonly out: ExpresswayLogReading = {
    lines: 0,
    tlsErrors: [],
    tcpCloses: [],
    cmsChecks: [],
    servers: [],
    guestUris: [],
    alarms: [],
    changes: [],
  };
  private readonly cdb: { line: number; text: string }[] = [];

  push(raw: string): void {
    const n = ++this.out.lines;
    const line = cleanHumanLine(raw);
    const out = this.out;
    keep(out.tlsErrors, parseTlsNegotiationError(line, n));
    keep(out.tcpCloses, parseTcpClose(line, n));
    keep(out.cmsChecks, parseCmsCheckFailed(line, n));
    if (line.includes('edgeCmsServerAddresses')) keep(this.cdb, { line: n, text: line });
    const change = parseWebConfigChange(line, n);
    if (change) {
      keep(out.changes, change);
      if (change.guestUri) keep(out.guestUris, { value: change.guestUri, line: n, from: 'web configuration change, cmsadd /name' });
    }
    keep(out.alarms, parseAlarm(line, n));
  }

  finish(): ExpresswayLogReading {
    this.out.servers = collectEdgeCmsServers(this.cdb);
    for (const s of this.out.servers)
      this.out.guestUris.push({ value: s.name, line: s.firstLine, from: 'clusterdb edgeCmsServerAddresses name' });
    return this.out;
  }
}

/** Pure: reads the records of a decoded log. */
export function readExpresswayLog(text: string): ExpresswayLogReading {
  const reader = new ExpresswayLogReader();
  for (const line of text.split(/\r?\n|\r/)) reader.push(line);
  return reader.finish();
}

/** UTF-16 text is decoded whole (bounded); anything else streams line by line. */
async function readFile(file: TriageFile): Promise<ExpresswayLogReading> {
  if (isUtf16Text(file.head)) return readExpresswayLog(decodeHumanText(await file.bytes(MAX_UTF16_BYTES)));
  const reader = new ExpresswayLogReader();
  for await (const line of file.lines()) reader.push(line);
  return reader.finish();
}

export const expresswayLogCheck = defineCheck({
  id: 'expressway.logs',
  title: 'Expressway logs: TLS and TCP failures, web bridge checks, guest account client URI, alarms',
  area: 'expressway',
  modes: ['offline'],
  needs: [`file:${EXPRESSWAY_LOG}`],
  async run(ctx) {
    const findings: FindingDraft[] = [];
    for (const file of ctx.files(EXPRESSWAY_LOG)) {
      let r: ExpresswayLogReading;
      try {
        r = await readFile(file);
      } catch (e) {
        file.reject(`not readable as an Expressway log: ${(e as Error).message}`);
        continue;
      }
      const tlsCloses = r.tcpCloses.filter((c) => tlsCause(c.reason).cause !== 'other');
      const otherCloses = r.tcpCloses.filter((c) => tlsCause(c.reason).cause === 'other');
      const problems = [
        ...tlsErrorFindings(
          [...r.tlsErrors, ...tlsCloses.map(closeAsTlsError)],
          file.path,
          ctx.target.external ? { webBridgeName: ctx.target.external } : {},
        ),
        ...tcpCloseFindings(otherCloses, file.path),
        ...cmsCheckFindings(r.cmsChecks, file.path),
      ];
      const facts = [
        ...edgeServerFindings(r.servers, file.path),
        ...guestUriFindings(r.guestUris, file.path, { external: ctx.target.external, internalDomain: ctx.target.internalDomain }),
        ...alarmFindings(r.alarms, file.path),
      ];
      findings.push(...problems, ...facts);
      if (problems.length === 0) {
        findings.push({
          code: codeOf('expressway.logs'),
          status: 'info',
          title: `No TLS negotiation error, failed TCP close or failed web bridge check in ${r.lines} line(s)`,
          subject: file.path,
        });
      }
    }
    return findings;
  },
});
