import type { CodeInfo, Fix } from '@cms-doctor/core';

/** Problem codes this package adds to the contract's (docs/findings/dns/<name>.md). */
export const DNS_CODES: readonly CodeInfo[] = [
  {
    code: 'dns/no-split-horizon',
    title: 'Both DNS views give the same answer for the web bridge name',
    status: 'warn',
    fixes: ['dns-internal-webbridge'],
    basis: 'documented',
  },
  {
    code: 'dns/cisco-uds-external',
    title: '_cisco-uds._tcp is resolvable from outside',
    status: 'warn',
    fixes: ['dns-cisco-uds-internal'],
    basis: 'documented',
  },
  {
    code: 'dns/resolver-refused',
    title: 'A resolver refused or failed a query',
    status: 'error',
    fixes: [],
    basis: 'documented',
  },
  {
    code: 'dns/srv-target-unresolved',
    title: 'The target of an SRV record does not resolve',
    status: 'fail',
    statuses: ['warn'],
    fixes: ['dns-srv'],
    basis: 'documented',
  },
  { code: 'dns/srv-target-cname', title: 'An SRV record points at a CNAME', status: 'warn', fixes: ['dns-srv'], basis: 'documented' },
  {
    code: 'dns/srv-port-nonstandard',
    title: 'An SRV record gives a non-standard port',
    status: 'warn',
    fixes: ['dns-srv'],
    basis: 'documented',
  },
];

export const DNS_FIXES: readonly Fix[] = [
  {
    id: 'dns-cisco-uds-internal',
    title: 'Keep _cisco-uds._tcp out of public DNS',
    steps: [
      'Delete the _cisco-uds._tcp.<domain> SRV record from the public (external) zone; keep it only in internal DNS.',
      'Publish _collab-edge._tls.<domain> externally instead, pointing at the Expressway-E on 8443, for Mobile and Remote Access.',
      'Query the external resolver again: _cisco-uds._tcp must give NXDOMAIN or no data.',
    ],
    reference: 'Cisco Expressway Mobile and Remote Access Deployment Guide (X12.6), DNS records',
  },
];
