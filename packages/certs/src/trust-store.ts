import { rootCertificates } from 'node:tls';
import { Certificate } from './certificate.js';
import { loadCertificateFile } from './load.js';

/** Trust anchors: Node's bundled roots plus the user's `--ca` files. */
export interface TrustStore {
  readonly anchors: readonly Certificate[];
  /** Where the anchors came from, for evidence. */
  readonly sources: { bundled: number; files: string[] };
  /** Anchors whose subject is this issuer name (one-line form). */
  bySubject(subject: string): readonly Certificate[];
  has(cert: Certificate): boolean;
}

let bundled: Certificate[] | undefined;

/**
 * Node's bundled Mozilla roots (`tls.rootCertificates`). Node 20 has no API for the
 * operating system's store, so a private CA must be given with `--ca`.
 */
export function bundledRoots(): readonly Certificate[] {
  bundled ??= rootCertificates.flatMap((pem, i) => {
    try {
      return [new Certificate(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'), `node-root#${i}`)];
    } catch {
      return [];
    }
  });
  return bundled;
}

export function createTrustStore(extra: readonly Certificate[] = [], opts: { bundled?: boolean; files?: string[] } = {}): TrustStore {
  const anchors = [...(opts.bundled === false ? [] : bundledRoots()), ...extra];
  const index = new Map<string, Certificate[]>();
  for (const a of anchors) index.set(a.subject, [...(index.get(a.subject) ?? []), a]);
  const prints = new Set(anchors.map((a) => a.sha256));
  return {
    anchors,
    sources: { bundled: opts.bundled === false ? 0 : bundledRoots().length, files: opts.files ?? [] },
    bySubject: (s) => index.get(s) ?? [],
    has: (c) => prints.has(c.sha256),
  };
}

/** Bundled roots plus every certificate in the given files (target.ca). */
export async function trustStoreFromFiles(files: readonly string[] = []): Promise<TrustStore> {
  const extra: Certificate[] = [];
  for (const f of files) extra.push(...(await loadCertificateFile(f)).certificates);
  return createTrustStore(extra, { files: [...files] });
}
