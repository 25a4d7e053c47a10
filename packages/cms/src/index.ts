export { plugin } from './plugin.js';
// REST API
export {
  createCmsApi,
  apiBase,
  interpret,
  failureNames,
  type CmsApi,
  type CmsApiOptions,
  type CmsResponse,
  type CmsPage,
} from './api/client.js';
export { CmsApiError, isCmsApiError, type CmsApiFailureKind } from './api/errors.js';
export * from './api/decode.js';
export * from './api/resources.js';
export { parseCmsXml, rootOf, childList, text as xmlText, asNode, MAX_XML_CHARS, type XmlNode, type XmlValue } from './xml.js';
// Judgements (pure) and catalogues (data)
export * from './judge/api.js';
export * from './judge/version.js';
export { ALARM_RULES, UNKNOWN_ALARM, alarmRule, type AlarmRule } from './judge/alarms.js';
export { CMS_CODES, CMS_FIXES } from './codes.js';
// Logs
export { parseLogLine, isCmsSyslogLine, isEventLogLine, CMS_PROGRAMS, type LogLine } from './logs/line.js';
export { SIGNATURES, ANCHORS, type Signature } from './logs/signatures.js';
export {
  LogScanner,
  scanLines,
  scanStream,
  scanFile,
  scanFindings,
  DEFAULT_LIMITS,
  type ScanLimits,
  type ScanResult,
  type Aggregate,
  type CallTimeline,
  type LineRef,
} from './logs/scanner.js';
// MMP output
export { parseFields, field as mmpField, mmpSections, guessMmpCommand, type MmpField, type MmpSection } from './mmp/fields.js';
export { parseMmpLicense, type MmpLicense, type MmpLicenseFeature } from './mmp/license.js';
export { parseMmpXmpp, parseXmppMultiDomainList, type MmpXmpp, type XmppDomainEntry } from './mmp/xmpp.js';
export { parsePkiList, type PkiListEntry } from './mmp/pki.js';
// Triage
export { KINDS, MMP_KIND, RECOGNISERS, recogniseCms, mmpKindOf, apiRootName, stripHttpHead } from './recognisers.js';
export { judgeApiDump, judgeXmppDomains } from './checks/offline.js';
export { LIVE_CHECKS } from './checks/live.js';
export { OFFLINE_CHECKS } from './checks/offline.js';
export { parseMmpWebbridge, hasMmpWebbridge, type MmpWebbridge } from './mmp/webbridge.js';
export { parseMmpWebbridge3, hasMmpWebbridge3, type MmpWebbridge3 } from './mmp/webbridge3.js';
export { parseMmpCallbridge, hasMmpCallbridge, type MmpCallbridge } from './mmp/callbridge.js';
export {
  collectMmp,
  MAX_SFTP_FILE_BYTES,
  type MmpSshOptions,
  type MmpSshResult,
  type MmpSshCredentials,
  type MmpCommandResult,
} from './mmp-ssh/session.js';
export { MMP_STATUS_COMMANDS, MMP_FILE_NAME, allowedCommand, pkiInspect, fetchableFile, MmpCommandRefused } from './mmp-ssh/allow-list.js';
export { judgeHostKey, knownKeysFor, sha256Fingerprint, type HostKeyVerdict, type HostKeyPolicy } from './mmp-ssh/host-key.js';
