import { basename } from 'node:path';
import { defineCheck, type FindingDraft } from '@cms-doctor/core';
import { CERT_FILE_KINDS, loadCertificates } from '@cms-doctor/certs';
import { parseMmpCallbridge, parseMmpWebbridge, parseMmpWebbridge3, type MmpCallbridge } from '@cms-doctor/cms';
import { judgeTrust, type NamedCertificates } from './judge.js';
import { MMP_KINDS } from './kinds.js';

const attempt = <T>(f: () => T): T | undefined => {
  try {
    return f();
  } catch {
    return undefined;
  }
};

/**
 * Offline: MMP `webbridge`/`webbridge3` output judged against the call bridge
 * certificate named by MMP `callbridge`, both certificate files taken from the
 * bundle by the base names MMP shows.
 */
export const trustBundleCheck = defineCheck({
  id: 'webbridge.trust-bundle',
  title: 'Web bridge trusts the call bridge certificate',
  area: 'webbridge',
  modes: ['offline'],
  needs: [],
  needsAny: MMP_KINDS.filter((k) => k !== 'cms-mmp-callbridge').map((k) => [`file:${k}` as const]),
  async run(ctx) {
    const texts = await Promise.all(ctx.files(...MMP_KINDS).map(async (f) => ({ path: f.path, text: await f.text() })));
    const certs = new Map<string, NamedCertificates>();
    for (const f of ctx.files(...CERT_FILE_KINDS)) {
      let loaded;
      try {
        loaded = loadCertificates(await f.bytes(), {
          source: f.path,
          ...(ctx.target.certPassword ? { password: ctx.target.certPassword } : {}),
        });
      } catch {
        continue; // cert.files reports an unreadable certificate file
      }
      const name = basename(f.path.replace(/^.*!\//, '')).toLowerCase();
      if (!certs.has(name)) certs.set(name, { name, path: f.path, certificates: loaded.certificates });
    }
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
          certificateFile: (n) => certs.get(basename(n).toLowerCase()),
        }),
      );
    }
    return out;
  },
});
