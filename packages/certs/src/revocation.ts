import type { Evidence } from '@cms-doctor/core';
import type { Certificate } from './certificate.js';

export const REVOCATION_NOT_CHECKED =
  'Revocation was not checked: CRLs and OCSP need the CA over the network, and cms-doctor calls no one but the addresses it was given. A certificate judged valid here may still be revoked; check with the CA (the URLs below) or a browser.';

/**
 * Says what was not checked and where a human can check it: the CRL and OCSP URLs of
 * each certificate on the path (a trust anchor is not revoked by CRL, so it is left out).
 */
export function revocationEvidence(path: readonly Certificate[], anchor?: Certificate): Evidence {
  return {
    kind: 'revocation',
    checked: false,
    reason: REVOCATION_NOT_CHECKED,
    certificates: path
      .filter((c) => c !== anchor)
      .map((c) => {
        const { crl, ocsp } = c.revocationSources;
        return { subject: c.subject, sha256: c.sha256, crl, ocsp };
      }),
  };
}
