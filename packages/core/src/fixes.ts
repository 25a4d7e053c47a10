import type { Fix } from './model.js';

const DOC = 'Cisco: Configure proxy WebRTC for CMS over Expressway with dual domain';

/** Every fix the contract names. Packages add their own through their Plugin. */
export const CORE_FIXES: readonly Fix[] = [
  {
    id: 'webbridge-url',
    title: 'Point the web bridge URL on CMS at a name the call bridge can reach',
    steps: [
      'On CMS web admin open Configuration > General and read the Web Bridge settings.',
      'Make the Guest account client URI the internal web bridge name (the document uses https://cmsweb.cms.octavio.local) and check that CMS resolves it to the web bridge address.',
      'Check that the call bridge can open TCP to that name and port (the fault "Web bridge connection to ... failed (connect failure)" means it could not; "(DNS failure)" means the name did not resolve).',
      'Re-run cms-doctor; the fault condition clears once the connection succeeds.',
    ],
    reference: `${DOC}, Troubleshoot 1 ("Join call" button not shown)`,
  },
  {
    id: 'webbridge-callbridge-trust',
    title: 'Make the web bridge trust the call bridge certificate',
    steps: [
      'On the CMS MMP run `webbridge` and read the "Trust bundle" line; "none" means the web bridge trusts no call bridge.',
      'Disable the web bridge: `webbridge disable`.',
      'Add the call bridge certificate as trust bundle: `webbridge trust callbridge.cer` (the call bridge certificate itself, the file named in `callbridge`).',
      'Enable it again: `webbridge enable`, then `callbridge restart`.',
      'Run `webbridge` again: it must show `Trust bundle: callbridge.cer`.',
    ],
    reference: `${DOC}, CMS configuration (MMP webbridge) and Troubleshoot 1`,
  },
  {
    id: 'guest-uri-external',
    title: 'Set the Expressway-C guest account client URI to the external web bridge name',
    steps: [
      'On Expressway-C open Configuration > Unified Communications > Cisco Meeting Server.',
      'Set Guest account client URI to the external web bridge FQDN (the document: cmsweb.octavio.com), not the internal one (cmsweb.cms.octavio.local).',
      'Save; check that Expressway-C resolves that FQDN through internal DNS to the CMS web bridge address.',
      'Check Status > Unified Communications: an SSH tunnel for the web bridge name must be Active.',
    ],
    reference: `${DOC}, Troubleshoot 2 (the WebRTC page shows "Bad Request")`,
  },
  {
    id: 'edge-cert-trusted-ca',
    title: 'Install an Expressway-E server certificate from a publicly trusted CA, with its full chain',
    steps: [
      'Generate a CSR on Expressway-E (Maintenance > Security > Server certificate) including every required SAN.',
      'Have it signed by a CA that browsers trust (not a self-signed or private CA for guests on the internet).',
      'Upload the certificate, and the intermediate and root certificates to the trusted CA list so the full chain is served.',
      'Renew before the expiry date; restart the Expressway-E when asked.',
    ],
    reference: `${DOC}, Troubleshoot 3 (insecure connection: self-signed certificate)`,
  },
  {
    id: 'edge-cert-san',
    title: 'Add the external web bridge name to the Expressway-E certificate SANs',
    steps: [
      'Generate a new CSR on Expressway-E whose Subject Alternative Names include the external web bridge FQDN (the document: cmsweb.octavio.com).',
      'The document also lists vcse.octavio.com, vcsc.octavio.local, cmsweb.octavio.local, octavio.local, cms.octavio.local and octavio.com (its host names are examples; only the web bridge FQDN is required).',
      'Have it signed by a trusted CA, upload it and restart Expressway-E.',
    ],
    reference: `${DOC}, Expressway-E server certificate and Troubleshoot 3`,
  },
  {
    id: 'turn-credentials',
    title: 'Find which TURN password is wrong (your copy, or CMS against Expressway-E) and make them match',
    steps: [
      'The finding names the username tried and where it and the password came from. The CMS API never returns the TURN password, so the probe tried your copy of it, not necessarily the one CMS holds.',
      'On Expressway-E open Configuration > Authentication > Devices > Local database and find the TURN user (the document: turnuser); note the TURN authentication realm on Configuration > Traversal > TURN.',
      'Branch 1, your copy is wrong: set a known password for that user on Expressway-E (or get the right one), put it in the file given with --turn-password-file (or CMS_DOCTOR_TURN_PASSWORD) and re-run `cms-doctor probe turn`. If the probe now passes but `GET /api/v1/turnServers/<id>/status` on CMS still fails, CMS holds another password: go on with branch 2.',
      'Branch 2, CMS and Expressway-E differ: on CMS update the TURN server with the Expressway-E credentials: `PUT /api/v1/turnServers/<id>` with username=<user> and password=<password>.',
      'Check `GET /api/v1/turnServers/<id>/status` shows status success, and re-run `cms-doctor probe turn`.',
    ],
    reference: `${DOC}, Troubleshoot 4 (media never flows: TURN credentials)`,
  },
  {
    id: 'firewall-turn',
    title: 'Open TURN and media ports toward the Expressway-E public address',
    steps: [
      'Allow UDP 3478 and TCP 3478 from the internet to the Expressway-E public (NAT) address.',
      'Allow UDP 24000-29999 (the Expressway-E TURN media port range) to the same address.',
      'If the Expressway-E sits behind static NAT, forward the same ports to its external interface.',
      'Check Expressway-E Status > TURN relay usage and that TURN services are On and listening on :3478.',
    ],
    reference: `${DOC}, Prerequisites (firewall) and Expressway-E TURN configuration`,
  },
  {
    id: 'firewall-https',
    title: 'Let guests reach the Expressway-E on TCP 443',
    steps: [
      'Allow TCP 443 from the internet to the Expressway-E public (NAT) address.',
      'Check the external DNS answer for the web bridge name is that address.',
      'Check MRA is enabled and the web proxy for Cisco Meeting Server is on at Expressway-C.',
    ],
    reference: `${DOC}, Prerequisites (firewall TCP 443)`,
  },
  {
    id: 'dns-external-webbridge',
    title: 'Publish the web bridge name in external DNS at the Expressway-E public address',
    steps: [
      'In the public zone of the external domain add an A record for the web bridge name (the document: cmsweb.octavio.com A 10.88.246.156) pointing at the Expressway-E static NAT address.',
      'Wait for the TTL of any old answer, then query a public resolver to confirm.',
    ],
    reference: `${DOC}, DNS configuration (external DNS)`,
  },
  {
    id: 'dns-internal-webbridge',
    title: 'Resolve the external web bridge name to the CMS inside (split horizon)',
    steps: [
      'On the internal DNS server (the document: Active Directory DNS) create a zone for the external domain, or a record in it.',
      'Add an A record for the external web bridge name pointing at the CMS web bridge address (the document: cmsweb.octavio.com A 172.16.85.180), not at the Expressway-E.',
      'Check from Expressway-C that the name resolves to the CMS.',
    ],
    reference: `${DOC}, DNS configuration (internal DNS)`,
  },
  {
    id: 'dns-srv',
    title: 'Create the SRV records CMS and the web bridge need',
    steps: [
      'Internally add `_xmpp-client._tcp.<internal domain>` SRV 10 10 5222 <xmpp host> (CMS 2.x).',
      'The document also shows `_xmpp-server._tcp` (standard port 5269) and `_cms-web._tls` for the guest URI host.',
      'An SRV target must be a host name with A/AAAA records, never a CNAME (RFC 2782).',
    ],
    reference: `${DOC}, DNS configuration (SRV records)`,
  },
  {
    id: 'edge-static-nat',
    title: 'Configure static NAT on the Expressway-E so TURN relays on the public address',
    steps: [
      'On Expressway-E open System > Network interfaces > IP and enable Static NAT mode on the external LAN.',
      'Set the IPv4 static NAT address to the public address (the document: 10.88.246.156).',
      'On CMS make the TURN server clientAddress that public address.',
    ],
    reference: `${DOC}, Expressway-E network (static NAT) and TURN on CMS`,
  },
  {
    id: 'edge-admin-port',
    title: 'Move the Expressway-E administration port off 443',
    steps: [
      'On Expressway-E open System > Administration settings and change the Web administrator port from 443 to 445.',
      'Restart as asked; WebRTC guests need TCP 443 for the web proxy.',
    ],
    reference: `${DOC}, Expressway-E configuration (administration port 445)`,
  },
  {
    id: 'cms-turn-server',
    title: 'Configure the Expressway-E TURN server on CMS',
    steps: [
      'POST /api/v1/turnServers with serverAddress=<Expressway-E internal address>, clientAddress=<Expressway-E public NAT address>, username, password, type=standard, tcpPortNumberOverride=3478.',
      'Check GET /api/v1/turnServers/<id>/status: status success and host reachable true.',
      'If the host is unreachable, open UDP/TCP 3478 from CMS to the Expressway-E internal address.',
    ],
    reference: `${DOC}, TURN configuration on CMS through the API`,
  },
  {
    id: 'cms-space',
    title: 'Create a space guests can join',
    steps: [
      'On CMS web admin open Configuration > Spaces and add a space with a URI and a call ID (the document: "Proxy webRTC", proxywebrtc, call ID 100101).',
    ],
    reference: `${DOC}, CMS configuration (spaces)`,
  },
  {
    id: 'cms-call-matching',
    title: 'Match both domains in incoming call handling and target spaces',
    steps: [
      'On CMS web admin open Configuration > Incoming calls > Call matching.',
      'Add the internal domain (the document: cms.octavio.local) and the external domain (octavio.com), priority 10, Targets spaces: yes.',
    ],
    reference: `${DOC}, CMS configuration (incoming call handling)`,
  },
  {
    id: 'callbridge-license',
    title: 'Activate the call bridge license',
    steps: [
      'On the MMP run `license`; it must show `Feature: callbridge status: Activated expiry: <date>`.',
      'Upload a valid license file (or activate through Smart Licensing on CMS 3.x) and restart the call bridge.',
    ],
    reference: `${DOC}, Prerequisites (call bridge license)`,
  },
  {
    id: 'xmpp-multidomain',
    title: 'Add the external domain to XMPP multi-domain (CMS 2.x)',
    steps: [
      'On the MMP: `xmpp disable`.',
      'Add the external domain with its own key and certificate: `xmpp multi_domain add <external domain> <key> <crt>`.',
      '`xmpp enable`, then check `xmpp multi_domain list` lists both the internal and the external domain.',
    ],
    reference: `${DOC}, CMS configuration (XMPP multi-domain)`,
  },
  {
    id: 'cms-upgrade',
    title: 'Upgrade CMS to a version supported with this Expressway',
    steps: [
      'Proxy WebRTC through Expressway needs CMS 2.1.4 or later.',
      'With Expressway X12.6.1 or later, CMS 2.9.2 and earlier are not supported: upgrade CMS (3.x uses web bridge 3).',
    ],
    reference: `${DOC}, Prerequisites; Expressway X12.6.1 release notes`,
  },
];
