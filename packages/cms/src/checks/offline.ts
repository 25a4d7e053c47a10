/** Offline checks: the same judgements on what a customer attached to a ticket. */
import { defineCheck, codeOf, describeError, parentDomain, type FindingDraft, type TriageFile, type Evidence } from '@cms-doctor/core';
import { emit } from '../emit.js';
import { KINDS, stripHttpHead } from '../recognisers.js';
import { scanFile, scanFindings, LogScanner, hasAnchor } from '../logs/scanner.js';
import { SIGNATURES } from '../logs/signatures.js';
import { isEventLogLine, parseLogLine } from '../logs/line.js';
import { parseCmsXml, rootOf, childList, int } from '../xml.js';
import {
  COLLECTIONS,
  decodeTurnServerStatus,
  decodeSystemStatus,
  decodeLicensing,
  decodeWebBridgeStatus,
  type TurnServer,
  type CoSpace,
  type InboundDialPlanRule,
  type Alarm,
} from '../api/decode.js';
import {
  judgeTurnServers,
  judgeTurnStatus,
  judgeSpaces,
  judgeCallMatching,
  judgeLicenseStatus,
  callBridgeFeature,
  judgeVersion,
  judgeWebBridgeStatus,
  judgeAlarms,
  xmlEvidence,
} from '../judge/api.js';
import { mmpSections, guessMmpCommand } from '../mmp/fields.js';
import { parseMmpLicense } from '../mmp/license.js';
import { parseMmpXmpp, parseXmppMultiDomainList, type XmppDomainEntry } from '../mmp/xmpp.js';

const MAX_DUMP = 4 * 1024 * 1024;

export const logs = defineCheck({
  id: 'cms.logs',
  title: 'CMS logs: known failure signatures',
  area: 'cms',
  modes: ['offline'],
  needs: [],
  needsAny: [[`file:${KINDS.syslog}`], [`file:${KINDS.eventLog}`]],
  timeoutMs: 120_000,
  async run(ctx) {
    const self = codeOf(this.id);
    const out: FindingDraft[] = [];
    for (const f of ctx.files(KINDS.syslog, KINDS.eventLog)) {
      try {
        const r = await scanFile(f.diskPath, new LogScanner(), ctx.signal);
        const found = scanFindings(self, f.path, r);
        out.push(...found);
        if (!found.some((x) => x.status === 'fail' || x.status === 'warn'))
          out.push({
            code: self,
            status: 'pass',
            title: `${f.path}: ${r.lines} line(s), no known failure signature`,
            subject: f.path,
            evidence: [{ kind: 'log-scan', file: f.path, lines: r.lines, bytes: r.bytes, overlongLines: r.overlongLines }],
          });
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        f.reject(`could not be read: ${describeError(e)}`);
      }
    }
    return out;
  },
});

export const faultConditions = defineCheck({
  id: 'cms.fault-conditions',
  title: 'CMS fault conditions table',
  area: 'cms',
  modes: ['offline'],
  needs: [`file:${KINDS.faultTable}`],
  async run(ctx) {
    const self = codeOf(this.id);
    const out: FindingDraft[] = [];
    for (const f of ctx.files(KINDS.faultTable)) {
      const r = await scanFile(f.diskPath, new LogScanner(), ctx.signal);
      out.push(...scanFindings(self, f.path, r).filter((x) => x.status !== 'pass'));
      // Every row is an active fault; rows no signature explains still get reported.
      let n = 0;
      for await (const line of f.lines()) {
        n += 1;
        if (!isEventLogLine(line)) continue;
        const known = SIGNATURES.some((s) => s.role === 'problem' && hasAnchor(s, line) && s.pattern.test(line));
        if (known) continue;
        const row = parseLogLine(line);
        out.push(
          emit('cms/fault-condition-active', {
            subject: `${f.path}:${n}`,
            detail: `CMS fault condition: ${row.message.slice(0, 200)}`,
            evidence: [
              { kind: 'log-lines', file: f.path, count: 1, firstLine: n, lastLine: n, lines: [{ line: n, text: line.slice(0, 600) }] },
            ],
          }),
        );
      }
      if (out.length === 0) out.push({ code: self, status: 'pass', title: `${f.path}: no fault condition listed`, subject: f.path });
    }
    return out;
  },
});

/** Judges one API XML dump by its root element, as the live checks judge the same answer. */
export function judgeApiDump(self: string, path: string, text: string): FindingDraft[] {
  const doc = parseCmsXml(stripHttpHead(text), path);
  const root = rootOf(doc);
  if (!root) return [];
  const ev = [xmlEvidence(path, text)];
  const n = root.node;
  const total = int(n['@total'] as string | undefined);
  const items = <T>(name: keyof typeof COLLECTIONS): T[] =>
    childList(n, COLLECTIONS[name].item).map((x) => COLLECTIONS[name].decode(x) as T);
  switch (root.name) {
    case 'turnServers':
      return judgeTurnServers(self, items<TurnServer>('turnServers'), ev);
    case 'turnServer':
      if (n['status'] !== undefined || n['host'] !== undefined)
        return [judgeTurnStatus(self, { id: (n['@id'] as string | undefined) ?? '(id not in dump)' }, decodeTurnServerStatus(n), ev)];
      return [];
    case 'coSpaces':
      return judgeSpaces(self, total ?? 0, items<CoSpace>('coSpaces'), ev);
    case 'inboundDialPlanRules':
      return judgeCallMatching(self, items<InboundDialPlanRule>('inboundDialPlanRules'), {}, ev);
    case 'status':
      return [judgeVersion(self, decodeSystemStatus(n).softwareVersion, path, ev)];
    case 'alarms':
      return judgeAlarms(self, items<Alarm>('alarms'), ev);
    case 'licensing':
    case 'clusterLicensing': {
      const lic = decodeLicensing(n, root.name);
      if (!lic.features.some((x) => x.status !== undefined)) return [];
      return [judgeLicenseStatus(self, callBridgeFeature(lic), path, ev)];
    }
    case 'webBridge':
      if (
        Object.keys(n)
          .filter((k) => !k.startsWith('@'))
          .join() === 'status'
      )
        return [judgeWebBridgeStatus(self, { id: (n['@id'] as string | undefined) ?? '(id not in dump)' }, decodeWebBridgeStatus(n), ev)];
      return [];
    case 'failureDetails':
      return [
        {
          code: self,
          status: 'info',
          title: `${path}: a CMS API error was saved (${
            Object.keys(n)
              .filter((k) => !k.startsWith('@'))
              .join(', ') || 'no reason'
          })`,
          subject: path,
          evidence: ev,
        },
      ];
    default:
      return [];
  }
}

export const apiDumps = defineCheck({
  id: 'cms.api-dumps',
  title: 'CMS API answers saved to files',
  area: 'cms',
  modes: ['offline'],
  needs: [`file:${KINDS.apiXml}`],
  async run(ctx) {
    const self = codeOf(this.id);
    const out: FindingDraft[] = [];
    for (const f of ctx.files(KINDS.apiXml)) {
      try {
        out.push(
          ...judgeApiDump(self, f.path, await f.text(MAX_DUMP)).map((d) => ({
            ...d,
            subject: d.subject?.startsWith('/api') ? `${f.path} (${d.subject})` : (d.subject ?? f.path),
          })),
        );
      } catch (e) {
        f.reject(describeError(e));
      }
    }
    return out;
  },
});

/** MMP sections of the given command from every MMP file (transcripts split by prompt). */
export async function sectionsOf(
  files: readonly TriageFile[],
  command: string,
): Promise<{ file: TriageFile; text: string; firstLine: number }[]> {
  const out: { file: TriageFile; text: string; firstLine: number }[] = [];
  for (const f of files) {
    const text = await f.text(1024 * 1024);
    const secs = mmpSections(text);
    const matching = secs.filter((s) => s.command === command || (s.prompt === undefined && guessMmpCommand(s.text) === command));
    for (const s of matching) out.push({ file: f, text: s.text, firstLine: s.firstLine });
  }
  return out;
}

export const mmpLicense = defineCheck({
  id: 'cms.mmp-license',
  title: 'MMP license: call bridge activated',
  area: 'cms',
  // Live, the screens come from MMP over SSH (cms.mmp-ssh) as the same inputs triage reads.
  modes: ['offline', 'live'],
  after: ['cms.mmp-ssh'],
  needs: [],
  needsAny: [[`file:${KINDS.mmpLicense}`], [`file:${KINDS.mmpTranscript}`], ['cmsSsh']],
  async run(ctx) {
    const self = codeOf(this.id);
    const out: FindingDraft[] = [];
    for (const s of await sectionsOf(ctx.files(KINDS.mmpLicense, KINDS.mmpTranscript), 'license')) {
      try {
        const lic = parseMmpLicense(s.text, s.firstLine);
        const cb = lic.features.find((x) => /^call_?bridge$/i.test(x.name));
        const evidence: Evidence[] = [
          {
            kind: 'mmp-output',
            file: s.file.path,
            command: 'license',
            lines: lic.features.map((x) => ({
              line: x.line,
              feature: x.name,
              status: x.status,
              expiry: x.expiry ?? null,
              daysRemain: x.daysRemain ?? null,
            })),
          },
        ];
        const d = judgeLicenseStatus(self, cb, 'MMP license', evidence);
        out.push({ ...d, subject: `${s.file.path}:${cb?.line ?? s.firstLine}` });
      } catch (e) {
        s.file.reject(describeError(e));
      }
    }
    return out;
  },
});

/** CMS 2.x needs the external domain in XMPP multi-domain (the internal one is the XMPP domain). */
export function judgeXmppDomains(
  self: string,
  xmppDomain: string | undefined,
  entries: readonly XmppDomainEntry[],
  externalDomain: string | undefined,
  subject: string,
  evidence: Evidence[],
): FindingDraft {
  const domains = [...(xmppDomain ? [xmppDomain] : []), ...entries.map((e) => e.domain)].map((d) => d.toLowerCase().replace(/\.$/, ''));
  const ext = externalDomain?.toLowerCase().replace(/\.$/, '');
  if (ext !== undefined) {
    if (domains.includes(ext))
      return {
        code: self,
        status: 'pass',
        title: `XMPP serves the external domain ${ext} (domains: ${domains.join(', ')})`,
        subject,
        evidence,
      };
    return emit('cms/xmpp-multidomain-missing', {
      subject,
      detail: `XMPP multi-domain lacks the external domain ${ext} (given with --external-domain); it serves: ${domains.join(', ') || 'none'}.`,
      evidence,
    });
  }
  if (entries.length === 0)
    return emit('cms/xmpp-multidomain-missing', {
      subject,
      detail: `XMPP multi-domain lists no domain besides ${xmppDomain ?? 'the XMPP domain'}: the external domain is missing.`,
      evidence,
    });
  return {
    code: self,
    status: 'info',
    title: `XMPP domains: ${domains.join(', ')}; give --external-domain to check the external one is there`,
    subject,
    evidence,
    needs: ['externalDomain'],
  };
}

export const mmpXmppMultiDomain = defineCheck({
  id: 'cms.mmp-xmpp-multidomain',
  title: 'MMP xmpp multi_domain list: external domain present (CMS 2.x)',
  area: 'cms',
  // Live, the screens come from MMP over SSH (cms.mmp-ssh) as the same inputs triage reads.
  modes: ['offline', 'live'],
  after: ['cms.mmp-ssh'],
  needs: [],
  needsAny: [[`file:${KINDS.mmpXmppMultiDomain}`], [`file:${KINDS.mmpTranscript}`], ['cmsSsh']],
  async run(ctx) {
    const self = codeOf(this.id);
    const files = ctx.files(KINDS.mmpXmppMultiDomain, KINDS.mmpXmpp, KINDS.mmpTranscript);
    const lists = await sectionsOf(files, 'xmpp multi_domain list');
    if (lists.length === 0)
      return [
        {
          code: self,
          status: 'skip',
          title: 'No `xmpp multi_domain list` output among the inputs',
          needs: [`file:${KINDS.mmpXmppMultiDomain}`],
        },
      ];
    let xmppDomain: string | undefined;
    for (const s of await sectionsOf(files, 'xmpp')) {
      try {
        xmppDomain ??= parseMmpXmpp(s.text, s.firstLine).domain;
      } catch {
        /* a transcript may hold an xmpp section without settings */
      }
    }
    const ext = ctx.target.externalDomain ?? parentDomain(ctx.target.external);
    return lists.map((s) => {
      const entries = parseXmppMultiDomainList(s.text, s.firstLine);
      const evidence: Evidence[] = [
        {
          kind: 'mmp-output',
          file: s.file.path,
          command: 'xmpp multi_domain list',
          domains: entries.map((e) => ({
            line: e.line,
            domain: e.domain,
            keyFile: e.keyFile ?? null,
            certificateFile: e.certificateFile ?? null,
          })),
          xmppDomain: xmppDomain ?? null,
        },
      ];
      return judgeXmppDomains(self, xmppDomain, entries, ext, `${s.file.path}:${s.firstLine}`, evidence);
    });
  },
});

export const OFFLINE_CHECKS = [logs, faultConditions, apiDumps, mmpLicense, mmpXmppMultiDomain];
