/** One CMS log line, whichever of the observed renderings it came in. */
export interface LogLine {
  format: 'syslog' | 'event-log' | 'unknown';
  timestamp?: string;
  /** `user.info` etc. (syslog only). */
  facility?: string;
  host?: string;
  /** Program tag without the colon: `host:server`, `client_backend`, `wb3_frontend`, `postgres[54639]`. */
  program?: string;
  level?: string;
  message: string;
}

/** Program tags CMS components log under (call bridge, web bridge 3, MMP, database...). */
export const CMS_PROGRAMS =
  /^(?:host:server|client_backend|wb3_frontend|authp|cli|postgres\[\d+\]|Uploader\[\d+\]|streamer-sip\[\d+\]|dbcluster\S*|xmpp\S*|webbridge\S*|callbridge\S*|sipedge\S*|turn\S*)$/;

const SYSLOG =
  /^(?:<\d{1,3}>)?(?<ts>[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:?\d{2})?) +(?<fac>[a-z0-9]+\.[a-z]+) +(?<host>\S+) +(?:[0-9a-f]{12} +)?(?<prog>[^\s:]+(?::[^\s:]+)?): *(?:(?<lvl>INFO|WARNING|ERROR|DEBUG|NOTICE|CRITICAL|CRIT|FATAL) *: ?)?(?<msg>.*)$/;
const EVENT_LOG =
  /^(?<date>\d{4}-\d{2}-\d{2})(?:\t| +)(?<time>\d{2}:\d{2}:\d{2}\.\d{3,6})(?:\t| +)(?:(?<lvl>Info|Warning|Error|Debug)(?:\t| +))?(?<msg>.*)$/;
/** Editors' prefixes seen in pasted logs ("Line 217707: "), mail quoting ("> "), a BOM. */
const PASTE_PREFIX = /^(?:\ufeff)?\s*(?:(?:>\s?)+)?(?:Line \d+:\s*)?/;
/** Where a CMS syslog header starts inside a line that a collector prefixed with its own header. */
const INNER_HEADER =
  /\s(?=(?:<\d{1,3}>)?(?:[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\S*) +[a-z0-9]+\.[a-z]+ +\S+ )/;

/** The line without what people put in front of it (`Line 12: `, `> `), a BOM or a trailing CR. */
export const stripPastePrefix = (raw: string): string => raw.replace(PASTE_PREFIX, '').replace(/\r$/, '');

export function parseLogLine(raw: string): LogLine {
  const line = stripPastePrefix(raw);
  // Forwarded through a collector: its own header comes first (`<PRI>ts collector `), ours after it.
  const inner = SYSLOG.test(line) ? undefined : INNER_HEADER.exec(line);
  const s = SYSLOG.exec(inner ? line.slice(inner.index + 1) : line);
  if (s?.groups) {
    const g = s.groups;
    return {
      format: 'syslog',
      timestamp: g['ts']!,
      facility: g['fac']!,
      host: g['host']!,
      program: g['prog']!,
      ...(g['lvl'] ? { level: g['lvl'] } : {}),
      message: g['msg']!.trim(),
    };
  }
  const e = EVENT_LOG.exec(line);
  if (e?.groups) {
    const g = e.groups;
    return {
      format: 'event-log',
      timestamp: `${g['date']} ${g['time']}`,
      ...(g['lvl'] ? { level: g['lvl'] } : {}),
      message: g['msg']!.trim(),
    };
  }
  return { format: 'unknown', message: line.trim() };
}

/** True when the line is a CMS syslog record (a known CMS program tag), anywhere in the line. */
export function isCmsSyslogLine(line: string): boolean {
  const m = /(?:^|\s)[a-z0-9]+\.(?:info|err|warning|notice|debug|crit|alert|emerg) +\S+ +(?:[0-9a-f]{12} +)?([^\s:]+(?::server)?):/.exec(
    line,
  );
  return m !== null && CMS_PROGRAMS.test(m[1]!);
}

export const isEventLogLine = (line: string): boolean =>
  /^\d{4}-\d{2}-\d{2}(?:\t| {2,})\d{2}:\d{2}:\d{2}\.\d{3}(?:\t| {2,})\S/.test(stripPastePrefix(line));
