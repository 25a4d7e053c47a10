import type { Recogniser } from '@cms-doctor/core';
import { isCmsSyslogLine, isEventLogLine, stripPastePrefix } from './logs/line.js';
import { SIGNATURES } from './logs/signatures.js';
import { guessMmpCommand, mmpSections } from './mmp/fields.js';

/** Kinds of file this package recognises (TriageFile.kind). */
export const KINDS = {
  syslog: 'cms-syslog',
  eventLog: 'cms-event-log',
  faultTable: 'cms-fault-table',
  apiXml: 'cms-api-xml',
  mmpTranscript: 'cms-mmp-transcript',
  mmpLicense: 'cms-mmp-license',
  mmpXmpp: 'cms-mmp-xmpp',
  mmpXmppMultiDomain: 'cms-mmp-xmpp-multidomain',
  mmpPkiList: 'cms-mmp-pki-list',
  mmpCallbridge: 'cms-mmp-callbridge',
  mmpWebbridge: 'cms-mmp-webbridge',
  mmpWebbridge3: 'cms-mmp-webbridge3',
} as const;

/** MMP command -> kind of a file holding only that command's output. */
export const MMP_KIND: Readonly<Record<string, string>> = {
  license: KINDS.mmpLicense,
  xmpp: KINDS.mmpXmpp,
  'xmpp multi_domain list': KINDS.mmpXmppMultiDomain,
  'pki list': KINDS.mmpPkiList,
  callbridge: KINDS.mmpCallbridge,
  webbridge: KINDS.mmpWebbridge,
  webbridge3: KINDS.mmpWebbridge3,
};

const decoder = new TextDecoder('utf-8', { fatal: false });
/** The head as text, or undefined when it looks binary (many NULs or control bytes). */
function headText(head: Uint8Array): string | undefined {
  const n = Math.min(head.length, 4096);
  let ctl = 0;
  for (let i = 0; i < n; i += 1) {
    const b = head[i]!;
    if (b === 0 || b < 0x09 || (b > 0x0d && b < 0x20)) ctl += 1;
  }
  if (n > 0 && ctl / n > 0.1) return undefined;
  return decoder.decode(head);
}
const firstLines = (text: string, max = 200): string[] => text.split(/\r?\n/, max).filter((l) => l.trim() !== '');

/** Lines of the given shape make up a good share of the head (tolerates junk and pasted prose). */
const mostly = (lines: readonly string[], test: (l: string) => boolean): boolean => {
  const hits = lines.filter(test).length;
  return hits >= 5 || (hits >= 1 && hits / Math.max(1, lines.length) >= 0.3);
};

const FAULT_HEADER = /^\s*(?:Fault conditions\s*$|Date\s+Time\s+Fault condition\s*$)/m;

/**
 * The documented problem signatures are CMS's own wording: a fragment copied out of a log or a
 * Cisco document without its timestamps is recognised by them (inferred signatures are too loose).
 */
const DOCUMENTED_PROBLEMS = SIGNATURES.filter((s) => s.role === 'problem' && s.basis === 'documented');
export const isCmsSignatureLine = (line: string): boolean => {
  const l = stripPastePrefix(line);
  return DOCUMENTED_PROBLEMS.some((s) => s.anchors.some((a) => l.includes(a)) && s.pattern.test(l));
};

export const syslogRecogniser: Recogniser = {
  kind: KINDS.syslog,
  area: 'cms',
  description:
    'CMS syslog (BSD, RFC 3164 with PRI, or ISO timestamps; host:server, client_backend, wb3_frontend...), or a fragment of CMS log lines without timestamps',
  priority: 10,
  recognise(head) {
    const t = headText(head);
    if (t === undefined) return false;
    const lines = firstLines(t);
    if (mostly(lines, isCmsSyslogLine)) return true;
    // A fragment: only when the lines are neither event log rows nor a fault table, which have their own kinds.
    return !FAULT_HEADER.test(t) && !lines.some(isEventLogLine) && mostly(lines, isCmsSignatureLine);
  },
};

export const eventLogRecogniser: Recogniser = {
  kind: KINDS.eventLog,
  area: 'cms',
  description: 'CMS web admin event log (date, time, level, message; tab or space separated)',
  priority: 10,
  recognise(head) {
    const t = headText(head);
    return t !== undefined && !FAULT_HEADER.test(t) && mostly(firstLines(t), isEventLogLine);
  },
};

export const faultTableRecogniser: Recogniser = {
  kind: KINDS.faultTable,
  area: 'cms',
  description: 'CMS "Fault conditions" table (Status > General) copied as text',
  priority: 20,
  recognise(head) {
    const t = headText(head);
    return t !== undefined && FAULT_HEADER.test(t) && firstLines(t).some(isEventLogLine);
  },
};

/** Root elements CMS API answers use. */
const API_ROOTS = new Set([
  'turnServers',
  'turnServer',
  'webBridges',
  'webBridge',
  'callBridges',
  'callBridge',
  'coSpaces',
  'coSpace',
  'inboundDialPlanRules',
  'inboundDialPlanRule',
  'alarms',
  'alarm',
  'licensing',
  'clusterLicensing',
  'failureDetails',
  'calls',
  'call',
  'callLegs',
  'callLeg',
  'participants',
  'participant',
  'accessMethods',
  'accessMethod',
  'callLegProfiles',
  'callLegProfile',
  'callProfiles',
  'callProfile',
  'tenants',
  'tenant',
  'users',
  'user',
  'webBridgeProfiles',
  'webBridgeProfile',
  'callBridgeGroups',
  'callBridgeGroup',
  'outboundDialPlanRules',
  'database',
  'load',
]);

/** Drops an HTTP response head (`HTTP/1.1 200 OK` ... blank line) saved with the body. */
export function stripHttpHead(text: string): string {
  const t = text.replace(/^\uFEFF/, '');
  if (!/^HTTP\/\d(?:\.\d)? \d{3}/.test(t)) return t;
  const m = /\r?\n\r?\n/.exec(t);
  return m ? t.slice(m.index + m[0].length) : '';
}

export function apiRootName(text: string): string | undefined {
  const body = stripHttpHead(text)
    .trimStart()
    .replace(/^<\?xml[^>]*\?>\s*/, '');
  const m = /^<([A-Za-z][\w]*)[\s>/]/.exec(body);
  if (!m) return undefined;
  const name = m[1]!;
  if (API_ROOTS.has(name)) return name;
  // `status` is a common word: only CMS system status with its own children counts.
  if (name === 'status' && /<(?:softwareVersion|uptimeSeconds|callLegsActive)>/.test(body)) return name;
  return undefined;
}

export const apiXmlRecogniser: Recogniser = {
  kind: KINDS.apiXml,
  area: 'cms',
  description: 'CMS REST API XML answer saved to a file (optionally with its HTTP head)',
  priority: 20,
  recognise(head) {
    const t = headText(head);
    return t !== undefined && apiRootName(t) !== undefined;
  },
};

/** Which MMP kind a text is: a transcript of several commands, or one command's output. */
export function mmpKindOf(text: string): string | undefined {
  const sections = mmpSections(text).filter((s) => MMP_KIND[s.command] !== undefined || guessMmpCommand(s.text) !== undefined);
  const commands = new Set(sections.map((s) => MMP_KIND[s.command] ?? MMP_KIND[guessMmpCommand(s.text) ?? '']));
  if (commands.size >= 2) return KINDS.mmpTranscript;
  const only = sections[0];
  if (only) return MMP_KIND[only.command] ?? MMP_KIND[guessMmpCommand(only.text) ?? ''];
  const guessed = guessMmpCommand(text);
  return guessed ? MMP_KIND[guessed] : undefined;
}

/** One recogniser per MMP kind, so each shows in `files` with its own kind. */
export const mmpRecognisers: Recogniser[] = [
  KINDS.mmpTranscript,
  KINDS.mmpLicense,
  KINDS.mmpXmpp,
  KINDS.mmpXmppMultiDomain,
  KINDS.mmpPkiList,
  KINDS.mmpCallbridge,
  KINDS.mmpWebbridge,
  KINDS.mmpWebbridge3,
].map((kind) => ({
  kind,
  area: 'cms' as const,
  description:
    kind === KINDS.mmpTranscript
      ? 'CMS MMP session with several commands'
      : `CMS MMP \`${Object.entries(MMP_KIND).find(([, k]) => k === kind)?.[0]}\` output`,
  priority: 30,
  recognise(head: Uint8Array) {
    const t = headText(head);
    return t !== undefined && t.length < 256 * 1024 && mmpKindOf(t) === kind;
  },
}));

export const RECOGNISERS: readonly Recogniser[] = [
  faultTableRecogniser,
  apiXmlRecogniser,
  ...mmpRecognisers,
  syslogRecogniser,
  eventLogRecogniser,
];

/** The kind this package gives a file head, or undefined (for tests and scripts). */
export function recogniseCms(head: Uint8Array, name = ''): string | undefined {
  return [...RECOGNISERS].sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0)).find((r) => r.recognise(head, name))?.kind;
}
