import type { CodeInfo, Fix } from '@cms-doctor/core';

/**
 * Problem codes this package adds to the contract's (webbridge/trust-bundle-missing and
 * -mismatch live in core): the CMS 3.x C2W trust of the call bridge.
 */
export const TRUST_CODES: readonly CodeInfo[] = [
  {
    code: 'webbridge/c2w-trust-missing',
    title: 'The call bridge trusts no web bridge 3 certificate on the C2W link (C2W trusted certs: none)',
    status: 'fail',
    fixes: ['callbridge-c2w-trust'],
    basis: 'documented',
  },
  {
    code: 'webbridge/c2w-trust-mismatch',
    title: 'The call bridge C2W trusted certs hold neither the web bridge 3 C2W certificate nor its issuer',
    status: 'fail',
    fixes: ['callbridge-c2w-trust'],
    basis: 'inferred',
  },
];

export const TRUST_FIXES: readonly Fix[] = [
  {
    id: 'callbridge-c2w-trust',
    title: 'Make the call bridge trust the web bridge 3 C2W certificate (CMS 3.x)',
    steps: [
      'On the web bridge 3 server MMP run `webbridge3` and note "C2W Full chain certificate file": the certificate web bridge 3 presents on the C2W link.',
      'Put that certificate, or a bundle with the CA that issued it, on the call bridge server the way its other certificate files are uploaded (SFTP to the MMP).',
      'On the call bridge MMP run `callbridge trust c2w <file>`, then `callbridge restart`.',
      'Run `callbridge` again: "C2W trusted certs" must name the file (not `none`).',
      'The other direction is needed too: `webbridge3` must show a "C2W Trust bundle" (`webbridge3 c2w trust <ca>`), and the web bridge URL on the call bridge API must be `c2w://<web bridge 3 FQDN>:<port>` with the port of `webbridge3 c2w listen`.',
    ],
    reference: 'Cisco TechNote 221729 "Configure Example of CMS Edge" (CMS 3.x): callbridge trust c2w, webbridge3 c2w trust',
  },
];
