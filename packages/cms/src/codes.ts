import type { CodeInfo, Fix } from '@cms-doctor/core';

const API_REF = 'Cisco Meeting Server API Reference (api blueprint), /system/alarms';

/** Problem codes this package adds to the contract's. */
export const CMS_CODES: readonly CodeInfo[] = [
  {
    code: 'cms/turn-client-address-mismatch',
    title: "The TURN clientAddress on CMS is not the edge's public address",
    status: 'fail',
    fixes: ['cms-turn-server', 'edge-static-nat'],
    basis: 'documented',
  },
  {
    code: 'cms/ice-failure',
    title: 'CMS logs an ICE failure of another kind',
    status: 'fail',
    fixes: ['firewall-turn', 'turn-credentials'],
    basis: 'inferred',
  },
  {
    code: 'cms/alarm-xmpp-registration',
    title: 'The call bridge cannot register with XMPP',
    status: 'fail',
    fixes: ['cms-xmpp-registration'],
    basis: 'documented',
  },
  {
    code: 'cms/alarm-database',
    title: 'CMS database alarm',
    status: 'fail',
    // warn: a cluster node out of sync, while the database still answers.
    statuses: ['warn'],
    fixes: ['cms-database'],
    basis: 'documented',
  },
  {
    code: 'cms/alarm-cluster-link',
    title: 'A call bridge cluster link is failing',
    status: 'warn',
    fixes: ['cms-cluster-link'],
    basis: 'documented',
  },
  {
    code: 'cms/alarm-cdr-receiver',
    title: 'CMS cannot reach a CDR receiver',
    status: 'warn',
    fixes: ['cms-cdr-receiver'],
    basis: 'documented',
  },
  {
    code: 'cms/alarm-recorder',
    title: 'A recorder is low on disk or unavailable',
    status: 'warn',
    fixes: ['cms-recorder'],
    basis: 'documented',
  },
  {
    code: 'cms/alarm-branding',
    title: 'A branding or customization resource failed',
    status: 'warn',
    fixes: ['cms-branding-resource'],
    basis: 'documented',
  },
  {
    code: 'cms/alarm-active',
    title: 'CMS reports an alarm of a type this tool does not know',
    status: 'warn',
    fixes: ['cms-alarm'],
    basis: 'inferred',
  },
  {
    code: 'cms/license-date-mismatch',
    title: "The licence output's days-remaining counter disagrees with its expiry date",
    status: 'warn',
    fixes: [],
    basis: 'inferred',
  },
  {
    code: 'cms/webbridge-session-limit',
    title: 'The web bridge (CMS 2.x) reached its limit of sessions',
    status: 'warn',
    fixes: [],
    basis: 'documented',
  },
  { code: 'cms/fault-condition-active', title: 'CMS lists a fault condition', status: 'warn', fixes: ['cms-alarm'], basis: 'documented' },
];

/** Fixes this package adds (alarm types beyond the documented WebRTC failures). */
export const CMS_FIXES: readonly Fix[] = [
  {
    id: 'cms-xmpp-registration',
    title: 'Restore the call bridge registration with XMPP (CMS 2.x)',
    steps: [
      'On the MMP run `xmpp` and check STATUS shows the XMPP server running.',
      'In web admin Configuration > General check the XMPP server settings: unique call bridge name, domain, server address and the shared secret from `xmpp callbridge list`.',
      'Check the _xmpp-component._tcp (5223) and _xmpp-client._tcp (5222) SRV records and that the XMPP certificate names the XMPP domain.',
      'Status > General must show the XMPP connection connected.',
    ],
    reference: 'Cisco TAC 213479 and 214623 (XMPP on CMS); API reference alarm xmppRegistrationFailure',
  },
  {
    id: 'cms-database',
    title: 'Restore the CMS database connection',
    steps: [
      'On the MMP run `database cluster status` and check every node is up and in sync.',
      'Renew expired database cluster certificates (`pki inspect`, then `database cluster certs ...`) and rejoin nodes that are out of sync.',
    ],
    reference:
      'Cisco TAC 216549 (renew expired database cluster certificates); API reference alarms databaseConnectionError, databaseClusternodeOutofSync',
  },
  {
    id: 'cms-cluster-link',
    title: 'Restore the links between clustered call bridges',
    steps: [
      'Check GET /api/v1/callBridges: each peer address must be reachable from this call bridge.',
      'Check the call bridge cluster trust (`callbridge` shows the cluster trusted certificates) and the firewall between the nodes.',
    ],
    reference: `${API_REF} (callBridgeConnectionFailure, callDistributionFailure)`,
  },
  {
    id: 'cms-cdr-receiver',
    title: 'Make the CDR receiver reachable',
    steps: ['Check GET /api/v1/system/cdrReceivers: the URI must be reachable from CMS.', 'Remove receivers that are no longer in use.'],
    reference: `${API_REF} (cdrConnectionFailure)`,
  },
  {
    id: 'cms-recorder',
    title: 'Free disk space on the recorder or bring it back',
    steps: [
      'Check the recorder host and its NFS share; free space or enlarge it.',
      'Check the recorder service is running and reachable from the call bridge.',
    ],
    reference: `${API_REF} (recorderLowDiskSpace, recorderUnavailable)`,
  },
  {
    id: 'cms-branding-resource',
    title: 'Fix the branding or customization resource',
    steps: [
      'Check the URL of the customization archive or image is reachable from CMS and the file has the documented format and size.',
      'Push it again: POST /api/v1/webBridges/<id>/updateCustomization.',
    ],
    reference: `${API_REF} (callBrandingResourceInvalid, webBridge*Failure)`,
  },
  {
    id: 'cms-alarm',
    title: 'Look up the CMS alarm and clear its cause',
    steps: [
      'Read GET /api/v1/system/alarms (or Status > General "Fault conditions"): the type, failureReason and any GUID parameter name the failing part.',
      'Look the type up in the CMS API reference (/system/alarms) and fix the part it names; the alarm clears by itself.',
    ],
    reference: API_REF,
  },
];
