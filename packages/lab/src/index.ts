export { plugin } from './plugin.js';
export {
  startLabDns,
  answerFor as labDnsAnswerFor,
  type LabRecord,
  type LabDns,
  type LabDnsFault,
  type LabDnsOptions,
  type LabDnsQuery,
} from './dns-server/index.js';
export { startCmsSimulator, type CmsSimulatorOptions, type CmsSimulator } from './cms-sim/index.js';
export * from './pki/index.js';
export * from './turn-emulator/index.js';
export { startLab, type Lab, type LabOptions } from './lab.js';
export { SCENARIOS, scenarioByName, defineScenario, type Scenario, type ScenarioSetup } from './scenarios/index.js';
export { DOCUMENT, LAB, remap, internalRecords, externalRecords, EDGE_SANS } from './topology.js';
export {
  startWebProxy,
  startWebBridge,
  WEB_APP_PAGE,
  BAD_REQUEST_PAGE,
  ADMIN_LOGIN_PAGE,
  type WebProxy,
  type WebProxyMode,
  type WebProxyOptions,
} from './web-proxy/index.js';
