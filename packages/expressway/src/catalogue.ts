import type { CodeInfo, Fix } from '@cms-doctor/core';

const DOC = 'Cisco: Configure proxy WebRTC for CMS over Expressway with dual domain';
const TN210800 = 'Cisco TechNote 210800, Configure CMS WebRTC or Web App Proxy over Expressway';
const TAC117811 = 'Cisco TAC document 117811, Configure Mobile and Remote Access through Expressway/VCS in a Multi-Domain Deployment';
const TAC212475 = 'Cisco TAC document 212475, Troubleshooting Guide for Cisco Webex Hybrid Call Service Connect';
const CERT_GUIDE =
  'Cisco Expressway Certificate Creation and Use Deployment Guide, Appendix 1 "SIP TLS Negotiation Failures on Neighbor and Traversal Zones"';

/** Problem codes this package adds to the contract's. */
export const EXPRESSWAY_CODES: readonly CodeInfo[] = [
  {
    code: 'expressway/tls-negotiation-error',
    title: 'The Expressway logs TLS negotiation errors with a peer',
    status: 'warn',
    fixes: ['traversal-zone-tls', 'sip-zone-tls', 'edge-cert-trusted-ca', 'edge-cert-san'],
    basis: 'field',
  },
  {
    code: 'expressway/tcp-closed-with-reason',
    title: 'The Expressway logs TCP connections closed with an error reason',
    status: 'warn',
    fixes: [],
    basis: 'field',
  },
  {
    code: 'expressway/web-bridge-unreachable',
    title: 'Expressway-C cannot reach a Meeting Server web bridge',
    status: 'fail',
    fixes: [],
    basis: 'documented',
  },
  {
    code: 'expressway/web-bridge-srv-missing',
    title: 'Expressway-C found the web bridges without a _cms-web._tls SRV record',
    status: 'warn',
    fixes: ['dns-srv'],
    basis: 'documented',
  },
  {
    code: 'expressway/web-proxy-unexpected',
    title: 'The edge answers the web bridge name with something other than the web bridge page',
    status: 'warn',
    fixes: [],
    basis: 'inferred',
  },
  {
    code: 'expressway/guest-uri-is-mra-domain',
    title: 'The guest account client URI is also an MRA domain',
    status: 'warn',
    fixes: ['guest-uri-external'],
    basis: 'documented',
  },
  {
    code: 'expressway/turn-services-off',
    title: 'Expressway-E TURN services are off or inactive',
    status: 'fail',
    fixes: ['edge-turn-services'],
    basis: 'documented',
  },
  {
    code: 'expressway/turn-port-not-3478',
    title: 'Expressway-E TURN requests port is not 3478',
    status: 'warn',
    fixes: ['edge-turn-services'],
    basis: 'documented',
  },
  {
    code: 'expressway/media-range-mismatch',
    title: 'Expressway-E media port range differs from the firewall range',
    status: 'warn',
    fixes: ['firewall-turn'],
    basis: 'documented',
  },
  {
    code: 'expressway/turn-option-key-missing',
    title: 'No active TURN Relays option key',
    status: 'warn',
    fixes: ['edge-turn-option-key'],
    basis: 'documented',
  },
  {
    code: 'expressway/ssh-tunnel-inactive',
    title: 'An Expressway-C SSH tunnel is not active or the web bridge name has none',
    status: 'warn',
    fixes: ['edge-ssh-tunnels'],
    basis: 'documented',
  },
  {
    code: 'expressway/api-warning',
    title: 'The Expressway reports an unacknowledged warning',
    status: 'warn',
    fixes: [],
    basis: 'documented',
  },
];

export const EXPRESSWAY_FIXES: readonly Fix[] = [
  {
    id: 'edge-turn-services',
    title: 'Turn on TURN on the Expressway-E with requests port 3478',
    steps: [
      'On Expressway-E open Configuration > Traversal > TURN.',
      'Set TURN services Off and save before changing other settings (they only apply after Off then On).',
      'Set TURN requests port 3478, the authentication realm, and media port range 24000-29999.',
      'Set TURN services On and save; the status must show Active, listening on :3478.',
    ],
    reference: `${DOC}, Expressway-E configuration step 5; Expressway Administrator Guide, Firewall Traversal (TURN)`,
  },
  {
    id: 'edge-turn-option-key',
    title: 'Add the TURN Relays option key (Expressway before X8.11)',
    steps: [
      'On Expressway-E open Maintenance > Option keys.',
      'Before X8.11 a "TURN Relays" option key must be listed as Active (the document shows "1800 TURN Relays"); add it if missing.',
      'From X8.11 no option key is needed for TURN.',
    ],
    reference: `${DOC}, Expressway-E configuration step 1; Expressway Administrator Guide X14.2, Firewall Traversal`,
  },
  {
    id: 'edge-ssh-tunnels',
    title: 'Get the Unified Communications SSH tunnels active, one for the web bridge name',
    steps: [
      'On Expressway-C open Status > Unified Communications > Unified Communications SSH tunnels status.',
      'Each domain, and the web bridge FQDN, must show the Expressway-E as target and status Active.',
      'If not: check the Unified Communications traversal zone, that both Expressways hold a server certificate and the CA certificate, and TCP 2222 from Expressway-C to the Expressway-E internal address.',
    ],
    reference: `${DOC}, Expressway-C configuration (SSH tunnels); ${TN210800}; Cisco Expressway IP Port Usage guide X15 (SSH tunnels, TCP 2222)`,
  },
  {
    id: 'traversal-zone-tls',
    title: 'Make the traversal zone TLS verify subject name and the certificates of the Expressway pair match',
    steps: [
      'On Expressway-E open the Unified Communications traversal zone (Configuration > Zones > Zones): the document sets its TLS verify subject name to the Expressway-C FQDN (vcsc.octavio.local), port 7001.',
      'On Expressway-C check the traversal client zone peer address: TAC 117811 shows "Peer\'s TLS certificate identity was unacceptable" on port 7001 when the certificate name does not match the address the zone connects to.',
      'Both Expressways need a server certificate and the CA certificate in their trusted CA lists (the document; TechNote 210800).',
      'Status > Zones must show the traversal zone Active.',
    ],
    reference: `${DOC}, Expressway-C and Expressway-E configuration (Unified Communications traversal zone); ${TAC117811}; ${TN210800}; see also ${CERT_GUIDE}`,
  },
  {
    id: 'sip-zone-tls',
    title: 'Fix the mutual TLS between the Expressway and the neighbour or Webex Hybrid zone peer',
    steps: [
      "Find the zone whose peer and port the log names (Configuration > Zones > Zones); 5062 is the Webex Hybrid DNS zone's port in TAC 212475.",
      'The Expressway-E must trust the CA that signed the peer certificate (TAC 212475, Issue 1) and send its full certificate chain (Issue 3); a default self-signed Expressway-E certificate fails (Issue 7).',
      'The TLS verify subject name on the zone must be the right name (Issue 2, the Expressway-E Webex Hybrid DNS zone).',
      'A firewall must not terminate the mutual TLS handshake (Issue 4).',
    ],
    reference: `${TAC212475}, "Mutual TLS Handshake Failures" Issues 1-4 and 7; see also ${CERT_GUIDE}`,
  },
];
