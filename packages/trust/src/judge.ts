import type { Evidence, FindingDraft } from '@cms-doctor/core';
import type { Certificate } from '@cms-doctor/certs';
import { emit } from './emit.js';
import type { MmpCallbridge, MmpWebbridge, MmpWebbridge3 } from '@cms-doctor/cms/mmp-screens';

/** A certificate file of the bundle, by the base name MMP output refers to it with. */
export interface NamedCertificates {
  /** Base name as MMP shows it (`callbridge.cer`). */
  name: string;
  /** Path in the triage input. */
  path: string;
  certificates: readonly Certificate[];
}

export interface TrustInputs {
  /** Where the MMP text came from, for evidence. */
  file: string;
  webbridge?: MmpWebbridge;
  webbridge3?: MmpWebbridge3;
  callbridge?: MmpCallbridge;
  /** Certificate files found in the bundle, looked up by base name (case-insensitive). */
  certificateFile(name: string): NamedCertificates | undefined;
}

const FIX = ['webbridge-callbridge-trust'];
const line = (file: string, n: number | undefined, text: string): Evidence => ({ kind: 'mmp-line', file, ...(n ? { line: n } : {}), text });

/**
 * The web bridge must trust the call bridge: MMP `webbridge` (2.x) `Trust bundle`
 * names a file that must hold the call bridge certificate itself (matched by
 * SHA-256, not by name or issuer); MMP `webbridge3` (3.x) `C2W Trust bundle` names
 * what it trusts on the C2W link, where the CA of the call bridge certificate also
 * works (`webbridge3 c2w trust <ca>`, TechNote 221729).
 */
/** A certificate file named by MMP output, as evidence: which certificates it holds. */
export const certificateFileEvidence = (role: string, file: NamedCertificates): Evidence => ({
  kind: 'certificate-file',
  role,
  file: file.path,
  sha256: file.certificates.map((c) => c.sha256),
  subjects: file.certificates.map((c) => c.subject),
});

export function judgeTrust(inp: TrustInputs): FindingDraft[] {
  const out: FindingDraft[] = [];
  const cbName = inp.callbridge?.certificateFile ?? undefined;
  const cbEvidence = inp.callbridge ? [line(inp.file, inp.callbridge.lines.certificateFile, `Certificate file : ${cbName ?? 'none'}`)] : [];

  const judgeBundle = (version: '2.x' | '3.x', bundle: string | null | undefined, at: number | undefined, label: string): void => {
    if (bundle === undefined) return;
    const subject = `${inp.file}${at ? `:${at}` : ''}`;
    const ev = [line(inp.file, at, `${label} : ${bundle ?? 'none'}`), ...cbEvidence];
    if (bundle === null) {
      out.push(
        emit('webbridge/trust-bundle-missing', {
          subject,
          detail: `The web bridge trusts no call bridge certificate (${label}: none). ${
            version === '2.x'
              ? 'MMP `webbridge` shows "Trust bundle: none": the call bridge cannot connect to the web bridge and guests see no "Join call" button.'
              : 'MMP `webbridge3` shows "C2W Trust bundle: none": the call bridge cannot open the C2W link to the web bridge.'
          }`,
          evidence: ev,
          fixes: FIX,
        }),
      );
      return;
    }
    const trust = inp.certificateFile(bundle);
    const cb = cbName ? inp.certificateFile(cbName) : undefined;
    if (!trust || !cb || !cbName) {
      const missing = [
        !cbName ? 'MMP `callbridge` output (it names the call bridge certificate)' : undefined,
        !trust ? bundle : undefined,
        cbName && !cb ? cbName : undefined,
      ].filter(Boolean);
      out.push({
        code: 'webbridge/trust-bundle',
        status: 'info',
        basis: 'documented',
        subject,
        evidence: ev,
        title: `The web bridge trust bundle is ${bundle}; its content was not compared`,
        detail: `To compare it with the call bridge certificate by fingerprint, add to the bundle: ${missing.join(', ')}.${cbName && bundle.toLowerCase() === cbName.toLowerCase() ? ' The names agree.' : ''}`,
      });
      return;
    }
    const leaf = cb.certificates[0]!;
    const prints = new Set(trust.certificates.map((c) => c.sha256));
    const holdsLeaf = prints.has(leaf.sha256);
    // 3.x accepts the CA of the call bridge certificate on the C2W link.
    const issuer = version === '3.x' && !holdsLeaf ? trust.certificates.find((c) => c.isCa && leaf.issuedBy(c)) : undefined;
    const certEv: Evidence[] = [
      { ...leaf.evidence(0), role: 'call bridge certificate', file: cb.path },
      certificateFileEvidence('web bridge trust bundle', trust),
    ];
    if (holdsLeaf || issuer) {
      out.push({
        code: 'webbridge/trust-bundle',
        status: 'pass',
        basis: 'documented',
        subject,
        evidence: [...ev, ...certEv],
        title: holdsLeaf
          ? `The web bridge trust bundle ${bundle} holds the call bridge certificate`
          : `The C2W trust bundle ${bundle} holds the CA of the call bridge certificate`,
        detail: `Call bridge certificate ${leaf.subject}, SHA-256 ${leaf.sha256}.`,
      });
      return;
    }
    out.push(
      emit('webbridge/trust-bundle-mismatch', {
        subject,
        detail: `The web bridge trust bundle ${bundle} does not hold the call bridge certificate ${cbName}. ${`${cbName} (${leaf.subject}, SHA-256 ${leaf.sha256.slice(0, 16)}…) is not among the ${trust.certificates.length} certificate(s) of ${bundle}${version === '3.x' ? ', nor is its issuer' : ''}. ${version === '2.x' ? 'The web bridge must trust the call bridge certificate itself, not only its CA.' : ''}`.trim()}.`,
        evidence: [...ev, ...certEv],
        fixes: FIX,
      }),
    );
  };

  if (inp.webbridge) judgeBundle('2.x', inp.webbridge.trustBundle, inp.webbridge.lines.trustBundle, 'Trust bundle');
  if (inp.webbridge3) judgeBundle('3.x', inp.webbridge3.c2wTrustBundle, inp.webbridge3.lines.c2wTrustBundle, 'C2W Trust bundle');
  return out;
}
