/** @cms-doctor/dns: split-horizon DNS views, their comparison, dig and zone parsers, and the DNS checks. */
export { plugin } from './plugin.js';
export { DNS_CODES, DNS_FIXES } from './codes.js';
export { parseServer, formatServer, sameServer, DNS_PORT, type DnsServer } from './server-address.js';
export { systemResolver, firstNameserver } from './system-resolver.js';
export { normaliseName, rcodeName, type DnsRecord, type RecordType, type SrvData } from './record.js';
export { query, encodeQuery, type DnsResponse, type QueryOptions } from './query.js';
export { lookup, followChain, addressesOf, answered, type Lookup, type LookupStatus, type CnameLink } from './lookup.js';
export { queryViews, type View, type Question, type ViewAnswers } from './views.js';
export {
  judgeWebbridge,
  viewState,
  lookupEvidence,
  type ViewLookups,
  type WebbridgeInput,
  type WebbridgeVerdict,
} from './webbridge-judge.js';
export { judgeSrv, type SrvObservation, type SrvJudgeOptions } from './srv-judge.js';
export { SRV_RULES, STANDARD_SRV_PORTS, majorVersion, serviceOf, type SrvRule } from './srv-rules.js';
export { parseDig, commandQuestion, type DigQuery, type DigParse, type ParseIssue } from './dig-parse.js';
export { parseZone, originFromFileName, type ZoneParse, type ZoneRecord } from './zone-parse.js';
export { parseNslookup } from './nslookup-parse.js';
export { parseHost } from './host-parse.js';
export { parseNamedConf, looksLikeNamedConf, viewSide, type NamedConf, type ConfView, type ConfZone } from './named-conf.js';
export { tidyLines, promptCommand } from './human-text.js';
export { tokenize, parseRrFields } from './rr-text.js';
export { digSources, zoneSource, digLookup, sectionLookup, type OfflineSource, type DigFile } from './offline-sources.js';
export {
  digRecogniser,
  zoneRecogniser,
  nslookupRecogniser,
  hostRecogniser,
  namedConfRecogniser,
  looksLikeDig,
  looksLikeZone,
  looksLikeNslookup,
  looksLikeHost,
} from './recognisers.js';
export { webbridgeCheck } from './checks/webbridge.js';
export { srvCheck, planSrv, srvDomains } from './checks/srv.js';
