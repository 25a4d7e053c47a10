import type { Evidence, FindingDraft } from '@cms-doctor/core';
import type { Certificate } from '@cms-doctor/certs';
import { emit } from './emit.js';
import type { MmpCallbridge, MmpWebbridge3 } from '@cms-doctor/cms/mmp-screens';
import { certificateFileEvidence, type NamedCertificates } from './judge.js';

/** One MMP `webbridge3` screen and the file it came from. */
export interface Webbridge3Screen {
  file: string;
  screen: MmpWebbridge3;
}

export interface C2wTrustInputs {
  /** Where the MMP `callbridge` text came from, for evidence. */
  file: string;
  callbridge: MmpCallbridge;
  /** Every `webbridge3` screen of the bundle: the call bridge must trust each. */
  webbridge3: readonly Webbridge3Screen[];
  /** The bundle has a 2.x `webbridge` screen (Web Bridge 2 does not use C2W). */
  webbridge2Seen?: boolean;
  certificateFile(name: string): NamedCertificates | undefined;
}

const FIX = ['callbridge-c2w-trust'];
const CODE = 'webbridge/c2w-trust';
const MAX_DEPTH = 10;
const line = (file: string, n: number | undefined, text: string): Evidence => ({ kind: 'mmp-line', file, ...(n ? { line: n } : {}), text });

/**
 * What in `trusted` makes the call bridge accept `presented` (leaf first, as the web
 * bridge 3 full chain file holds it): the leaf itself by SHA-256, or a CA on its path
 * (`callbridge trust c2w <cert/ca>`), followed by signature through the full chain.
 */
export function c2wAnchor(
  presented: readonly Certificate[],
  trusted: readonly Certificate[],
): { by: 'certificate' | 'ca'; cert: Certificate } | undefined {
  const leaf = presented[0];
  if (!leaf) return undefined;
  const prints = new Set(trusted.map((c) => c.sha256));
  if (prints.has(leaf.sha256)) return { by: 'certificate', cert: leaf };
  const seen = new Set<Certificate>([leaf]);
  for (let cur = leaf, depth = 0; depth < MAX_DEPTH; depth++) {
    const ca = trusted.find((t) => t.isCa && cur.issuedBy(t));
    if (ca) return { by: 'ca', cert: ca };
    const next = presented.find((c) => !seen.has(c) && cur.issuedBy(c));
    if (!next) return undefined;
    seen.add(next);
    cur = next;
  }
  return undefined;
}

/**
 * CMS 3.x: MMP `callbridge` "C2W trusted certs" is what the call bridge trusts on the
 * C2W link it opens to web bridge 3 (TechNote 221729: without `callbridge trust c2w`
 * WebRTC fails). `none` is documented as the failure; a named file that holds neither
 * the web bridge 3 C2W certificate nor a CA on its path is inferred to fail the same way.
 */
export function judgeC2wTrust(inp: C2wTrustInputs): FindingDraft[] {
  const trustedName = inp.callbridge.c2wTrustedCerts;
  if (trustedName === undefined) return []; // no C2W line: CMS 2.x output, nothing to judge
  const at = inp.callbridge.lines.c2wTrustedCerts;
  const subject = `${inp.file}${at ? `:${at}` : ''}`;
  const cbLine = line(inp.file, at, `C2W trusted certs : ${trustedName ?? 'none'}`);
  const wb3Lines = inp.webbridge3.map((w) =>
    line(w.file, w.screen.lines.c2wCertificateFile, `C2W Full chain certificate file : ${w.screen.c2wCertificateFile ?? 'none'}`),
  );

  if (trustedName === null) {
    const enabled = inp.webbridge3.filter((w) => w.screen.enabled !== false);
    if (inp.webbridge3.length > 0 && enabled.length === 0)
      return [
        {
          code: CODE,
          status: 'info',
          basis: 'documented',
          subject,
          evidence: [cbLine, ...wb3Lines],
          title: 'The call bridge trusts no web bridge 3 on C2W, and web bridge 3 is disabled',
          detail: 'MMP `webbridge3` shows "Enabled: false": no C2W link is in use. Configure `callbridge trust c2w` before enabling it.',
        },
      ];
    if (inp.webbridge3.length === 0 && inp.webbridge2Seen)
      return [
        {
          code: CODE,
          status: 'info',
          basis: 'documented',
          subject,
          evidence: [cbLine],
          title: 'The call bridge trusts no web bridge 3 on C2W (this bundle shows only Web Bridge 2)',
          detail:
            'Web Bridge 2 (MMP `webbridge`) does not use C2W. On CMS 3.x, where Web Bridge 3 replaces it, "C2W trusted certs: none" makes WebRTC fail.',
        },
      ];
    return [
      emit('webbridge/c2w-trust-missing', {
        subject,
        detail: `The call bridge trusts no web bridge 3 certificate on C2W (C2W trusted certs: none). MMP \`callbridge\` shows "C2W trusted certs: none": the call bridge cannot verify web bridge 3 on the C2W link, so the C2W connection (alarm c2wConnectionFailure) and WebRTC fail. Set it with \`callbridge trust c2w <file>\`.`,
        evidence: [cbLine, ...wb3Lines],
        fixes: FIX,
      }),
    ];
  }

  const trusted = inp.certificateFile(trustedName);
  const out: FindingDraft[] = [];
  const targets = inp.webbridge3.length > 0 ? inp.webbridge3 : [undefined];
  for (const w of targets) {
    const wb3Name = w?.screen.c2wCertificateFile ?? undefined;
    const presented = wb3Name ? inp.certificateFile(wb3Name) : undefined;
    const ev = [
      cbLine,
      ...(w ? [line(w.file, w.screen.lines.c2wCertificateFile, `C2W Full chain certificate file : ${wb3Name ?? 'none'}`)] : []),
    ];
    if (!trusted || !presented?.certificates[0]) {
      const missing = [
        !w ? 'MMP `webbridge3` output of the web bridge 3 server (it names the C2W certificate)' : undefined,
        w && !wb3Name ? 'a C2W certificate on web bridge 3 (its "C2W Full chain certificate file" is none)' : undefined,
        !trusted ? trustedName : undefined,
        wb3Name && !presented ? wb3Name : undefined,
      ].filter(Boolean);
      const same = wb3Name && wb3Name.toLowerCase() === trustedName.toLowerCase();
      out.push({
        code: CODE,
        status: 'info',
        basis: 'documented',
        subject,
        evidence: ev,
        title: `The call bridge trusts ${trustedName} on C2W; its content was not compared`,
        detail: `To compare it with the web bridge 3 C2W certificate, add to the bundle: ${missing.join(', ')}.${same ? ' The names agree: the call bridge trusts the file web bridge 3 presents.' : ''}`,
      });
      continue;
    }
    const leaf = presented.certificates[0];
    const certEv: Evidence[] = [
      { ...leaf.evidence(0), role: 'web bridge 3 C2W certificate', file: presented.path },
      certificateFileEvidence('call bridge C2W trusted certs', trusted),
    ];
    const anchor = c2wAnchor(presented.certificates, trusted.certificates);
    if (anchor) {
      out.push({
        code: CODE,
        status: 'pass',
        basis: 'documented',
        subject,
        evidence: [...ev, ...certEv],
        title:
          anchor.by === 'certificate'
            ? `The call bridge C2W trust ${trustedName} holds the web bridge 3 C2W certificate`
            : `The call bridge C2W trust ${trustedName} holds a CA of the web bridge 3 C2W certificate`,
        detail: `Web bridge 3 C2W certificate ${leaf.subject}, SHA-256 ${leaf.sha256}${anchor.by === 'ca' ? `; trusted through ${anchor.cert.subject}` : ''}.`,
      });
      continue;
    }
    out.push(
      emit('webbridge/c2w-trust-mismatch', {
        subject,
        detail: `The call bridge C2W trust ${trustedName} holds neither the web bridge 3 C2W certificate ${wb3Name} nor its issuer. ${wb3Name} (${leaf.subject}, SHA-256 ${leaf.sha256.slice(0, 16)}…, issued by ${leaf.issuer}) is not among the ${trusted.certificates.length} certificate(s) of ${trustedName}, and none of them is a CA on its path. The call bridge is expected to refuse the C2W link.`,
        evidence: [...ev, ...certEv],
        fixes: FIX,
      }),
    );
  }
  return out;
}
