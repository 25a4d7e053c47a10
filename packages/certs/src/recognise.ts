import type { Recogniser } from '@cms-doctor/core';
import { sniffDerHead } from './der.js';

/** Triage file kinds holding certificates. */
export const CERT_FILE_KINDS = ['x509-pem', 'x509-der', 'pkcs7-der', 'pkcs12'] as const;

const PEM_CERT = /-----BEGIN (?:CERTIFICATE|X509 CERTIFICATE|TRUSTED CERTIFICATE|PKCS7|PKCS #7 SIGNED DATA)-----/;

/** By content only: PEM armour, or the DER structure of X.509, PKCS#7 and PKCS#12. */
export const recognisers: readonly Recogniser[] = [
  {
    kind: 'x509-pem',
    area: 'cert',
    description: 'PEM certificates or PKCS#7 (BEGIN CERTIFICATE / BEGIN PKCS7 armour)',
    priority: 20,
    recognise: (head) => PEM_CERT.test(Buffer.from(head).toString('latin1')),
  },
  {
    kind: 'x509-der',
    area: 'cert',
    description: 'a DER X.509 certificate',
    priority: 20,
    recognise: (head) => sniffDerHead(head) === 'x509',
  },
  {
    kind: 'pkcs7-der',
    area: 'cert',
    description: 'a DER PKCS#7 certificate bundle (.p7b)',
    priority: 20,
    recognise: (head) => sniffDerHead(head) === 'pkcs7',
  },
  { kind: 'pkcs12', area: 'cert', description: 'a PKCS#12 / PFX file', priority: 20, recognise: (head) => sniffDerHead(head) === 'pkcs12' },
];
