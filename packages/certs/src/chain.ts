import type { Certificate } from './certificate.js';
import type { TrustStore } from './trust-store.js';

/** How the path from the leaf ends. */
export type PathEnd =
  /** Reached a trust anchor (a bundled root or a `--ca` certificate). */
  | 'trusted'
  /** The leaf signs itself. */
  | 'self-signed-leaf'
  /** Ends at a self-signed CA the server sent that no anchor matches. */
  | 'untrusted-root'
  /** The top certificate's issuer is neither sent nor an anchor. */
  | 'issuer-missing';

export interface PathResult {
  /** Leaf first, then the presented certificates that issued it, in order. */
  path: Certificate[];
  end: PathEnd;
  /** The anchor the path ends at (possibly one the server also sent). */
  anchor?: Certificate;
  /** Presented certificates that are not on the path (wrong order, stale extras). */
  unused: Certificate[];
  /** Issuer name of the top certificate when `issuer-missing`. */
  missingIssuer?: string;
}

const MAX_DEPTH = 10;

/**
 * Builds the path a client would: from the leaf, each issuer found among the
 * presented certificates (any order), the extra `pool` (other files of a triage
 * bundle) or the anchors, by name and then by signature.
 */
export function buildPath(presented: readonly Certificate[], store: TrustStore, pool: readonly Certificate[] = []): PathResult {
  const leaf = presented[0];
  if (!leaf) throw new Error('buildPath: no certificate');
  const path: Certificate[] = [leaf];
  const done = (end: PathEnd, extra: Partial<PathResult> = {}): PathResult => ({
    path,
    end,
    unused: presented.filter((c) => !path.includes(c) && c !== extra.anchor),
    ...extra,
  });
  for (let cur = leaf; path.length <= MAX_DEPTH;) {
    if (store.has(cur)) return done('trusted', { anchor: cur });
    if (cur.selfSigned) return done(cur === leaf ? 'self-signed-leaf' : 'untrusted-root');
    // Anchors first, as browsers do: a cross-signed intermediate the server still sends
    // (COMODO via the expired AddTrust root) must not hide the root that is trusted.
    const anchor = store.bySubject(cur.issuer).find((a) => cur.issuedBy(a));
    if (anchor) return done('trusted', { anchor });
    const next = presented.find((c) => !path.includes(c) && cur.issuedBy(c)) ?? pool.find((c) => !path.includes(c) && cur.issuedBy(c));
    if (next) {
      path.push(next);
      cur = next;
      continue;
    }
    return done('issuer-missing', { missingIssuer: cur.issuer });
  }
  return done('issuer-missing', { missingIssuer: path[path.length - 1]!.issuer });
}
