import type { CodeInfo, Fix } from '@cms-doctor/core';

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
  {
    code: 'cert/eku-server-auth-missing',
    title: 'The certificate (or a CA above it) has an Extended Key Usage without serverAuth',
    status: 'fail',
    // warn: a purpose some browsers accept, or the internal web bridge whose client is Expressway-C.
    statuses: ['warn'],
    fixes: ['cert-server-usage'],
    basis: 'field',
  },
  {
    code: 'cert/key-usage-mismatch',
    title: "The certificate's Key Usage does not allow its key to authenticate a TLS server",
    status: 'fail',
    // warn: a purpose some browsers accept, or the internal web bridge whose client is Expressway-C.
    statuses: ['warn'],
    fixes: ['cert-server-usage'],
    basis: 'field',
  },
];

/** Fixes this package adds to the contract's (edge-cert-trusted-ca etc. live in core). */
export const CERT_FIXES: readonly Fix[] = [
  {
    id: 'cert-server-usage',
    title: 'Reissue the certificate for TLS server use (serverAuth EKU, digitalSignature key usage)',
    steps: [
      'Read the evidence: `extendedKeyUsage` must list serverAuth (1.3.6.1.5.5.7.3.1) on the server certificate and on any intermediate CA that has an Extended Key Usage; `keyUsage` must include digitalSignature (RSA: digitalSignature, and keyEncipherment if static RSA key exchange is still used).',
      'The signing CA decides these extensions, not the CSR alone: ask for a web server (TLS server authentication) certificate profile or template. Keep any other purpose the certificate is also used for (for example clientAuth).',
      'Expressway-E: generate a new CSR (Maintenance > Security > Server certificate) with the same SANs, have it signed with that profile, upload it with its chain and restart when asked.',
      'CMS web bridge: generate a CSR on the MMP (`pki csr <name> CN:<fqdn> subjectAltName:<names>`), have it signed with that profile, then install it: `webbridge3 https certs <key> <fullchain>` and `webbridge3 restart` on 3.x, or `webbridge certs <key> <crt> [<bundle>]` on 2.x.',
      'An intermediate CA whose Extended Key Usage lacks serverAuth cannot issue a usable server certificate: use another issuing CA.',
      'Re-run cms-doctor: the certificate finding passes.',
    ],
    reference:
      'RFC 5280 4.2.1.3 (Key Usage) and 4.2.1.12 (Extended Key Usage); CA/Browser Forum Baseline Requirements (subscriber certificate profile); CMS MMP commands from Cisco TechNotes 217320 (pki csr), 221729 (webbridge3) and 213821 (webbridge)',
  },
];
