export { plugin } from './plugin.js';
export {
  classifyAnswer,
  parseHttpHead,
  pageTitle,
  type HttpAnswer,
  type Classification,
  type WebProxyVerdict,
} from './web-proxy/classify.js';
export { probeWebProxy, type WebProxyProbeOptions, type WebProxyProbeResult, type TlsFacts } from './web-proxy/probe.js';
export { judgeWebProxy, edgeOf, webProxyCheck, WEB_PROXY_CHECK } from './web-proxy/check.js';
export { parseHostPort } from './web-proxy/address.js';
export {
  turnPortRequirements,
  interpretTurnPorts,
  judgeTurnPorts,
  turnPortsCheck,
  TURN_PORTS_CHECK,
  type PortRequirement,
  type PortVerdict,
} from './turn-ports.js';
export { parseExpresswayPages, normaliseLine, cellsOf, hostOf, type ExpresswayPages } from './pages/parse.js';
export { expresswayPageRecogniser, EXPRESSWAY_PAGE } from './pages/recognise.js';
export { guestUriIsInternal, guestUriConfigCheck, turnConfigCheck, adminPortConfigCheck, sshTunnelsCheck } from './pages/checks.js';
export { parseStatusWarnings, fetchStatusWarnings, expresswayWarningsCheck, type ExpresswayWarning } from './api/warnings.js';
export { EXPRESSWAY_CODES, EXPRESSWAY_FIXES } from './catalogue.js';
export * from './logs/tvcs-log.js';
export * from './logs/check.js';
