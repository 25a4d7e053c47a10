import { CORE_CODES, CORE_FIXES, type CodeInfo, type Fix } from '@cms-doctor/core';

export interface CodeCatalogue {
  fixes: Map<string, Fix>;
  codes: Map<string, CodeInfo>;
}

interface Meta {
  codes: readonly CodeInfo[];
  fixes: readonly Fix[];
}

/**
 * Every problem code and fix, from each package's light `meta` entry: `explain` needs no
 * check, probe or parser, so it does not load them.
 */
export async function loadCodeCatalogue(): Promise<CodeCatalogue> {
  const metas: Meta[] = await Promise.all([
    import('@cms-doctor/dns/meta'),
    import('@cms-doctor/certs/meta'),
    import('@cms-doctor/turn/meta'),
    import('@cms-doctor/cms/meta'),
    import('@cms-doctor/trust/meta'),
    import('@cms-doctor/expressway/meta'),
    import('@cms-doctor/browser/meta'),
  ]);
  return mergeMeta(metas);
}

export function mergeMeta(metas: readonly Meta[]): CodeCatalogue {
  const fixes = new Map(CORE_FIXES.map((f) => [f.id, f]));
  const codes = new Map(CORE_CODES.map((c) => [c.code, c]));
  for (const m of metas) {
    for (const f of m.fixes) fixes.set(f.id, f);
    for (const c of m.codes) codes.set(c.code, c);
  }
  return { fixes, codes };
}
