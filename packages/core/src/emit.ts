import type { CodeInfo, Evidence, FindingDraft, Status } from './model.js';

/**
 * What a check knows about one occurrence of a problem: never its title, status class, basis or
 * fixes, which belong to the code's table entry (one home per code, verdict rule 4).
 */
export interface ProblemSpecifics {
  /** What was examined: a name, an address:port, a file:line. */
  subject?: string;
  /** The specifics in a sentence: what was compared with what, and where each side came from. */
  detail: string;
  evidence?: Evidence[];
  /** Another status the entry allows (`statuses`), e.g. a TCP transport that is only a warning. */
  status?: Status;
  /** A subset of the entry's fixes, chosen by the evidence (blame follows provenance). */
  fixes?: readonly string[];
}

export type Emit<C extends string> = (code: C, specifics: ProblemSpecifics) => FindingDraft;

export class UnknownCodeError extends Error {}

/**
 * Builds the one helper a package's checks emit problems through. Unknown codes, statuses the
 * entry does not allow and fixes the entry does not list throw: tests catch the drift, users never
 * see a finding whose basis or fixes differ from `explain`.
 */
export function emitterFor(...tables: readonly (readonly CodeInfo[])[]): Emit<string> {
  const byCode = new Map<string, CodeInfo>();
  for (const table of tables) for (const entry of table) byCode.set(entry.code, entry);
  return (code, s) => {
    const entry = byCode.get(code);
    if (!entry) throw new UnknownCodeError(`finding code ${code} has no entry in the code table`);
    const status = s.status ?? entry.status;
    // The contract: pass, skip and info findings carry their check's own code, never a problem code.
    if (status === 'pass' || status === 'skip' || status === 'info')
      throw new UnknownCodeError(`problem code ${code} cannot carry status ${status}; a note uses its check's own code`);
    if (status !== entry.status && !(entry.statuses ?? []).includes(status))
      throw new UnknownCodeError(`code ${code} does not allow status ${status}`);
    const fixes = s.fixes ?? entry.fixes;
    for (const id of fixes) if (!entry.fixes.includes(id)) throw new UnknownCodeError(`code ${code} does not list fix ${id}`);
    return {
      code,
      status,
      title: entry.title,
      detail: s.detail,
      ...(s.subject !== undefined ? { subject: s.subject } : {}),
      evidence: s.evidence ?? [],
      fixes: [...fixes],
      basis: entry.basis,
    };
  };
}
