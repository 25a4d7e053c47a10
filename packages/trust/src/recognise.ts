import type { Recogniser } from '@cms-doctor/core';
import { hasMmpCallbridge, hasMmpWebbridge, hasMmpWebbridge3 } from '@cms-doctor/cms';

/** Kinds this package gives MMP output, and the cms package's kinds for the same output. */
export const MMP_TRUST_KINDS = ['mmp-webbridge', 'mmp-webbridge3', 'mmp-callbridge'] as const;
export const CMS_MMP_KINDS = ['cms-mmp-webbridge', 'cms-mmp-webbridge3', 'cms-mmp-callbridge', 'cms-mmp-transcript'] as const;

const text = (head: Uint8Array): string | undefined => {
  const t = Buffer.from(head).toString('utf8');
  // Binary input (NUL bytes) is never MMP output.
  return t.includes('\u0000') ? undefined : t;
};

/**
 * By content: the screen's distinctive labels. Priority 25 sits above generic text
 * and below the cms package's MMP recognisers (30), which name a transcript of
 * several commands as such; the trust checks read both sets of kinds.
 */
export const recognisers: readonly Recogniser[] = [
  { kind: 'mmp-webbridge', area: 'webbridge', description: 'CMS MMP `webbridge` output (2.x)', priority: 25, recognise: (h) => { const t = text(h); return t !== undefined && hasMmpWebbridge(t); } },
  { kind: 'mmp-webbridge3', area: 'webbridge', description: 'CMS MMP `webbridge3` output (3.x)', priority: 25, recognise: (h) => { const t = text(h); return t !== undefined && hasMmpWebbridge3(t); } },
  { kind: 'mmp-callbridge', area: 'webbridge', description: 'CMS MMP `callbridge` output', priority: 24, recognise: (h) => { const t = text(h); return t !== undefined && hasMmpCallbridge(t); } },
];
