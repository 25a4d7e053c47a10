import { LAB } from '../topology.js';
import { defineScenario, type Scenario } from './scenario.js';

const DOC = 'source document';
const TS = (n: number, what: string): string => `${DOC}, Troubleshoot ${n} (${what})`;

/** The MMP `webbridge` output of the document's broken case (Troubleshoot 1), as a customer attaches it. */
const MMP_WEBBRIDGE_TRUST_NONE = `proxyWebRTC> webbridge
Enabled                : true
Interface whitelist   : a:443
Key file               : webbridge.key
Certificate file      : webbridge.cer
CA Bundle file       : root.cer
Trust bundle          : none
HTTP redirect        : Enabled
Clickonce URL        : none
MSI download URL     : none
DMG download URL    : none
iOS download URL     : none
proxyWebRTC>
`;

/** Every scenario, one per documented failure and requirement, plus network faults. */
export const SCENARIOS: readonly Scenario[] = [
  defineScenario({
    name: 'healthy',
    title: 'The deployment as the document configures it',
    basedOn: `${DOC}, Configure and Verify`,
    expected: { codes: [], fixes: [] },
    setup: {},
  }),
  defineScenario({
    name: 'trust-bundle-none',
    title: '"Join call" missing: the web bridge does not trust the call bridge (Trust bundle: none)',
    basedOn: TS(1, '"Join call" button not shown'),
    // The API shows the symptom; MMP over SSH (--cms-ssh) shows the cause, as triage of the pasted output does.
    expected: {
      codes: ['webbridge/callbridge-connect-failure', 'webbridge/trust-bundle-missing'],
      fixes: ['webbridge-url', 'webbridge-callbridge-trust'],
    },
    // CMS raises guestAccountConnectionFailure (2.x) while the call bridge cannot reach the web bridge.
    setup: { cmsFaults: ['webbridge-connection-failure', 'alarm-guestAccountConnectionFailure'] },
    attachments: { 'mmp-webbridge.txt': MMP_WEBBRIDGE_TRUST_NONE },
    offlineExpected: { codes: ['webbridge/trust-bundle-missing'], fixes: ['webbridge-callbridge-trust'] },
  }),
  defineScenario({
    name: 'guest-uri-internal',
    title: 'The web proxy answers "Bad Request": Expressway-C guest account client URI is the internal name',
    basedOn: TS(2, 'WebRTC page shows "Bad Request"'),
    expected: { codes: ['expressway/guest-uri-internal'], fixes: ['guest-uri-external'] },
    setup: { webProxy: 'bad-request' },
  }),
  defineScenario({
    name: 'edge-self-signed',
    title: 'The Expressway-E presents a self-signed certificate',
    basedOn: TS(3, 'insecure connection'),
    expected: { codes: ['cert/self-signed'], fixes: ['edge-cert-trusted-ca'] },
    tolerated: ['cert/untrusted', 'turn/check-error'],
    setup: { edgeCert: 'self-signed' },
  }),
  defineScenario({
    name: 'edge-san-missing',
    title: 'The Expressway-E certificate lacks the external web bridge name',
    basedOn: TS(3, 'insecure connection'),
    expected: { codes: ['cert/san-missing'], fixes: ['edge-cert-san'] },
    tolerated: ['turn/check-error'],
    setup: { edgeCert: 'wrong-san' },
  }),
  defineScenario({
    name: 'edge-cert-client-auth-only',
    title: 'The Expressway-E certificate is issued for client authentication only (no serverAuth EKU)',
    basedOn: `${TS(3, 'insecure connection')}; RFC 5280 4.2.1.12`,
    expected: { codes: ['cert/eku-server-auth-missing'], fixes: ['cert-server-usage'] },
    tolerated: ['turn/check-error'],
    setup: { edgeCertEku: ['clientAuth'] },
  }),
  defineScenario({
    name: 'edge-cert-expired',
    title: 'The Expressway-E certificate has expired',
    basedOn: `${DOC}, Expressway-E certificate; Cisco TechNote 210800`,
    expected: { codes: ['cert/expired'], fixes: ['edge-cert-trusted-ca'] },
    tolerated: ['cert/untrusted', 'turn/check-error'],
    setup: { edgeCert: 'expired' },
  }),
  defineScenario({
    name: 'edge-chain-incomplete',
    title: 'The Expressway-E does not send its intermediate certificate',
    basedOn: `${DOC}, Expressway-E certificate (server certificate and CA certificate)`,
    expected: { codes: ['cert/chain-incomplete'], fixes: ['edge-cert-trusted-ca'] },
    tolerated: ['cert/untrusted', 'turn/check-error'],
    setup: { edgeCert: 'missing-intermediate' },
  }),
  defineScenario({
    name: 'turn-wrong-password',
    title: 'CMS holds a TURN password the Expressway-E does not: Allocate answered 431',
    basedOn: TS(4, 'media never connects'),
    expected: { codes: ['turn/integrity-check-failure'], fixes: ['turn-credentials'] },
    tolerated: ['turn/credentials-rejected'],
    setup: { turnPasswordMismatch: true },
  }),
  defineScenario({
    name: 'turn-udp-blocked',
    title: 'A firewall drops UDP 3478 toward the Expressway-E (the TURN server never answers UDP)',
    basedOn: `${DOC}, Prerequisites (firewall UDP 3478)`,
    expected: { codes: ['turn/unreachable'], fixes: ['firewall-turn'] },
    networkFault: true,
    setup: { turnMode: 'drop-udp' },
  }),
  defineScenario({
    name: 'media-ports-blocked',
    title: 'A firewall drops UDP 24000-29999: relayed media never comes back',
    basedOn: `${DOC}, Prerequisites (firewall UDP 24000-29999); TechNote 210800 "Loading media"`,
    expected: { codes: ['turn/media-path-blocked'], fixes: ['firewall-turn'] },
    setup: { turnMode: 'relay-blackhole' },
  }),
  defineScenario({
    name: 'turn-relay-private',
    title: 'The Expressway-E relays on its private LAN2 address (static NAT not configured)',
    basedOn: 'Expressway administrator guide (static NAT and TURN relay candidates); reference §4.3',
    expected: { codes: ['turn/relay-address-private'], fixes: ['edge-static-nat'] },
    setup: { turnRelayOn: 'edgeLan2' },
  }),
  defineScenario({
    name: 'dns-internal-points-to-edge',
    title: 'Internal DNS resolves the external web bridge name to the Expressway-E (hairpin), not to CMS',
    basedOn: `${DOC}, DNS (internal view); TechNote 210800 B2`,
    expected: { codes: ['dns/internal-not-cms'], fixes: ['dns-internal-webbridge'] },
    // The internal web bridge certificate is then fetched from the Expressway-E address, where nothing listens on 443.
    tolerated: ['cert/check-error'],
    // The answer is the edge's LAN1 address, which CMS has as its TURN serverAddress: dns.webbridge names the
    // hairpin from /api/v1/turnServers (or --edge-internal-address), not from --edge-nat-address (test/dns/lab-scenarios.test.ts).
    setup: {
      internalRecords: (rs) => rs.map((r) => (r.name === 'cmsweb.octavio.com' && r.type === 'A' ? { ...r, value: LAB.edgeLan1 } : r)),
    },
  }),
  defineScenario({
    name: 'dns-external-missing',
    title: 'External DNS does not publish the web bridge name',
    basedOn: `${DOC}, DNS (external view)`,
    expected: { codes: ['dns/unresolved'], fixes: ['dns-external-webbridge'] },
    setup: { externalRecords: (rs) => rs.filter((r) => r.name !== 'cmsweb.octavio.com') },
  }),
  defineScenario({
    name: 'edge-admin-port-443',
    title: 'The Expressway-E answers HTTPS on port 443 with its administration login',
    basedOn: `${DOC}, Expressway-E step 6 (administration port 445)`,
    expected: { codes: ['expressway/admin-port-443'], fixes: ['edge-admin-port'] },
    setup: { webProxy: 'admin-login' },
  }),
  defineScenario({
    name: 'web-proxy-down',
    title: 'Nothing answers TCP 443 at the Expressway-E',
    basedOn: `${DOC}, Prerequisites (firewall TCP 443)`,
    expected: { codes: ['expressway/web-proxy-unreachable'], fixes: ['firewall-https'] },
    tolerated: ['cert/check-error', 'cert/unreachable', 'turn/unreachable'],
    setup: { webProxy: 'down' },
  }),
  defineScenario({
    name: 'cms-no-spaces',
    title: 'CMS has no space to join',
    basedOn: `${DOC}, CMS configuration (spaces)`,
    expected: { codes: ['cms/no-spaces'], fixes: ['cms-space'] },
    setup: { cmsFaults: ['no-spaces'] },
  }),
  defineScenario({
    name: 'call-matching-missing-external-domain',
    title: 'Incoming call handling on CMS lacks the external domain',
    basedOn: `${DOC}, CMS configuration (incoming call handling)`,
    expected: { codes: ['cms/call-matching-domain-missing'], fixes: ['cms-call-matching'] },
    setup: { cmsFaults: ['call-matching-missing-external-domain'] },
  }),
  defineScenario({
    name: 'cms-turn-not-configured',
    title: 'No TURN server is configured on CMS',
    basedOn: `${DOC}, TURN configuration on CMS through the API`,
    expected: { codes: ['cms/turn-not-configured'], fixes: ['cms-turn-server'] },
    setup: { cmsFaults: ['turn-not-configured'] },
  }),
  defineScenario({
    name: 'cms-turn-status-failure',
    title: 'CMS reports its TURN server unreachable',
    basedOn: `${DOC}, TURN configuration on CMS (turnServers/<id>/status)`,
    expected: { codes: ['cms/turn-status-failure'], fixes: ['cms-turn-server', 'firewall-turn'] },
    setup: { cmsFaults: ['turn-status-unreachable'] },
  }),
  defineScenario({
    name: 'cms-license-inactive',
    title: 'The call bridge license is not activated',
    basedOn: `${DOC}, Prerequisites (call bridge license)`,
    expected: { codes: ['cms/license-inactive'], fixes: ['callbridge-license'] },
    setup: { cmsFaults: ['license-inactive'] },
  }),
  defineScenario({
    name: 'cms-version-old',
    title: 'CMS is older than 2.1.4',
    basedOn: `${DOC}, Prerequisites (CMS 2.1.4 or later)`,
    expected: { codes: ['cms/version-unsupported'], fixes: ['cms-upgrade'] },
    setup: { cmsVersion: '2.0.6' },
  }),
  defineScenario({
    name: 'xmpp-server-srv-typo',
    title: 'Internal _xmpp-server SRV on port 5209, as printed in the document (standard: 5269)',
    basedOn: `${DOC}, DNS records (internal)`,
    expected: { codes: ['dns/srv-port-nonstandard'], fixes: ['dns-srv'] },
    setup: { internalRecords: (rs) => rs.map((r) => (r.type === 'SRV' && r.name.startsWith('_xmpp-server.') ? { ...r, port: 5209 } : r)) },
  }),
  defineScenario({
    name: 'fault-resolver-silent',
    title: 'Network fault: the internal resolver never answers',
    basedOn: 'network fault (not from the document)',
    expected: { codes: ['dns/resolver-unreachable'], fixes: [] },
    tolerated: ['dns/check-error', 'cert/check-error', 'triage/run-deadline'],
    networkFault: true,
    setup: { internalDnsFault: 'silent' },
  }),
  defineScenario({
    name: 'fault-edge-tls-stall',
    title: 'Network fault: the edge accepts TCP 443 and never completes the TLS handshake',
    basedOn: 'network fault (not from the document)',
    expected: { codes: ['expressway/check-error'], fixes: [] },
    tolerated: ['cert/check-error', 'turn/check-error', 'turn/unreachable', 'triage/run-deadline'],
    networkFault: true,
    setup: { webProxy: 'stall-handshake' },
  }),
  defineScenario({
    name: 'fault-api-stall',
    title: 'Network fault: the CMS API sends half a body and stalls',
    basedOn: 'network fault (not from the document)',
    expected: { codes: ['cms/check-error'], fixes: [] },
    tolerated: ['cms/*', 'webbridge/check-error', 'turn/check-error', 'dns/check-error', 'expressway/check-error', 'triage/run-deadline'],
    networkFault: true,
    setup: { cmsFaults: ['stall-mid-body'] },
  }),
];

export const scenarioByName = (name: string): Scenario | undefined => SCENARIOS.find((s) => s.name === name);
