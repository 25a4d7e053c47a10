import type { CodeInfo } from '@cms-doctor/core';

/** Problem codes this package adds to the contract's (cert/self-signed etc. live in core). */
export const CERT_CODES: readonly CodeInfo[] = [
  {
    code: 'cert/expiring-soon',
    title: 'The certificate expires within 30 days',
    status: 'warn',
    fixes: ['edge-cert-trusted-ca'],
    basis: 'inferred',
  },
  {
    code: 'cert/weak-signature',
    title: 'A certificate is signed with SHA-1 or MD5',
    status: 'warn',
    fixes: ['edge-cert-trusted-ca'],
    basis: 'field',
  },
  {
    code: 'cert/weak-key',
    title: 'A certificate has a weak key (RSA below 2048 bits, EC below 256)',
    status: 'warn',
    fixes: ['edge-cert-trusted-ca'],
    basis: 'field',
  },
];
