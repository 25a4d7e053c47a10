import type { LabDnsFault, LabRecord } from '../dns-server/index.js';
import type { LabPkiVariant } from '../pki/index.js';
import type { WebProxyMode } from '../web-proxy/index.js';

/** How one scenario bends the healthy deployment. Absent keys keep the document's setup. */
export interface ScenarioSetup {
  /** Replaces the internal view's records (a function of the healthy ones). */
  internalRecords?: (healthy: LabRecord[]) => LabRecord[];
  externalRecords?: (healthy: LabRecord[]) => LabRecord[];
  internalDnsFault?: LabDnsFault;
  externalDnsFault?: LabDnsFault;
  /** The Expressway-E certificate fault. */
  edgeCert?: LabPkiVariant;
  /** Extended Key Usage of the Expressway-E certificate (default serverAuth + clientAuth). */
  edgeCertEku?: readonly string[];
  /** What the web proxy serves; `down` leaves the port closed. */
  webProxy?: WebProxyMode | 'down';
  turnMode?: 'normal' | 'drop-udp' | 'relay-blackhole';
  /** The password in the Expressway-E local database differs from the one CMS holds. */
  turnPasswordMismatch?: boolean;
  /** The TURN server relays on this document address instead of the public one (no static NAT). */
  turnRelayOn?: 'edgeLan2';
  cmsFaults?: string[];
  cmsVersion?: string;
}

export interface Scenario {
  name: string;
  title: string;
  /** The section of the source document or the Cisco document it reproduces. */
  basedOn: string;
  /** What `run` against it must report (codes of warn/fail/error findings, and their fixes). */
  expected: { codes: string[]; fixes: string[] };
  /**
   * Other problem codes that may appear because of the same injected fault
   * (e.g. a stalled edge also stops the certificate probe). Anything else is unrelated.
   */
  tolerated?: string[];
  /** A network fault: `run` must still end within its overall deadline. */
  networkFault?: boolean;
  setup: ScenarioSetup;
  /** Files a customer would attach; the lab writes them into its folder. */
  attachments?: Record<string, string>;
  /** What `triage` of those attachments must report. */
  offlineExpected?: { codes: string[]; fixes: string[] };
}

export const defineScenario = (s: Scenario): Scenario => s;
