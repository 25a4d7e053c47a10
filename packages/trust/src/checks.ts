import { basename } from 'node:path';
import { defineCheck, type CheckContext, type FindingDraft } from '@cms-doctor/core';
import { CERT_FILE_KINDS } from '@cms-doctor/certs/recognise';
import { parseMmpCallbridge, parseMmpWebbridge, parseMmpWebbridge3, type MmpCallbridge } from '@cms-doctor/cms/mmp-screens';
import { judgeTrust, type NamedCertificates } from './judge.js';
import { judgeC2wTrust, type Webbridge3Screen } from './c2w.js';
import { MMP_KINDS } from './kinds.js';

const attempt = <T>(f: () => T): T | undefined => {
  try {
    return f();
  } catch {
    return undefined;
  }
};

/** Every MMP text of the bundle. */
const mmpTexts = async (ctx: CheckContext): Promise<{ path: string; text: string }[]> =>
  Promise.all(ctx.files(...MMP_KINDS).map(async (f) => ({ path: f.path, text: await f.text() })));

/**
 * The certificate files of the bundle, by the base name MMP output refers to them with
 * (case-insensitive; the first of equal names wins). Unreadable ones are left to
 * cert.files, which reports them.
 */
async function bundleCertificates(ctx: CheckContext): Promise<Map<string, NamedCertificates>> {
  const certs = new Map<string, NamedCertificates>();
  const files = ctx.files(...CERT_FILE_KINDS);
  if (files.length === 0) return certs;
  // The certificate libraries (x509, PKCS#12) load only when the bundle holds certificates.
  const { loadCertificatesAsync } = await import('@cms-doctor/certs');
  for (const f of files) {
    let loaded;
    try {
      loaded = await loadCertificatesAsync(await f.bytes(), {
        source: f.path,
        signal: ctx.signal,
        ...(ctx.target.certPassword ? { password: ctx.target.certPassword } : {}),
      });
    } catch {
      continue;
    }
    const name = basename(f.path.replace(/^.*!\//, '')).toLowerCase();
    if (!certs.has(name)) certs.set(name, { name, path: f.path, certificates: loaded.certificates });
  }
  return certs;
}

const lookup =
  (certs: Map<string, NamedCertificates>) =>
  (n: string): NamedCertificates | undefined =>
    certs.get(basename(n).toLowerCase());

/**
 * Offline: MMP `webbridge`/`webbridge3` output judged against the call bridge
 * certificate named by MMP `callbridge`, both certificate files taken from the
 * bundle by the base names MMP shows.
 */
export const trustBundleCheck = defineCheck({
  id: 'webbridge.trust-bundle',
  title: 'Web bridge trusts the call bridge certificate',
  area: 'webbridge',
  // Live, the screens come from MMP over SSH (cms.mmp-ssh) as the same inputs triage reads.
  modes: ['offline', 'live'],
  after: ['cms.mmp-ssh'],
  needs: [],
  needsAny: [...MMP_KINDS.filter((k) => k !== 'cms-mmp-callbridge').map((k) => [`file:${k}` as const]), ['cmsSsh']],
  async run(ctx) {
    const texts = await mmpTexts(ctx);
    const certificateFile = lookup(await bundleCertificates(ctx));
    let callbridge: MmpCallbridge | undefined;
    for (const t of texts) callbridge ??= attempt(() => parseMmpCallbridge(t.text));
    const out: FindingDraft[] = [];
    for (const t of texts) {
      const webbridge = attempt(() => parseMmpWebbridge(t.text));
      const webbridge3 = attempt(() => parseMmpWebbridge3(t.text));
      if (!webbridge && !webbridge3) continue;
      out.push(
        ...judgeTrust({
          file: t.path,
          ...(webbridge ? { webbridge } : {}),
          ...(webbridge3 ? { webbridge3 } : {}),
          ...(callbridge ? { callbridge } : {}),
          certificateFile,
        }),
      );
    }
    return out;
  },
});

/**
 * Offline, CMS 3.x: MMP `callbridge` "C2W trusted certs" judged against the C2W
 * certificate each MMP `webbridge3` names, both files taken from the bundle.
 */
export const c2wTrustCheck = defineCheck({
  id: 'webbridge.c2w-trust',
  title: 'Call bridge trusts web bridge 3 on the C2W link',
  area: 'webbridge',
  modes: ['offline', 'live'],
  after: ['cms.mmp-ssh'],
  needs: [],
  needsAny: [['file:cms-mmp-callbridge'], ['file:cms-mmp-transcript'], ['cmsSsh']],
  async run(ctx) {
    const texts = await mmpTexts(ctx);
    const certificateFile = lookup(await bundleCertificates(ctx));
    const webbridge3: Webbridge3Screen[] = texts.flatMap((t) => {
      const screen = attempt(() => parseMmpWebbridge3(t.text));
      return screen ? [{ file: t.path, screen }] : [];
    });
    const webbridge2Seen = texts.some((t) => attempt(() => parseMmpWebbridge(t.text)) !== undefined);
    return texts.flatMap((t) => {
      const callbridge = attempt(() => parseMmpCallbridge(t.text));
      return callbridge ? judgeC2wTrust({ file: t.path, callbridge, webbridge3, webbridge2Seen, certificateFile }) : [];
    });
  },
});
