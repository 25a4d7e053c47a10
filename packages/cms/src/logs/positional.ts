/**
 * A signature pattern with its named groups turned into numbered ones. V8 builds a
 * `groups` object for every match of a pattern with named groups; over millions
 * of candidate lines that object is most of what a match allocates. The catalogue
 * keeps the readable names, the scan matches the numbered twin and looks names up
 * by number. Both match exactly the same lines.
 */
export interface PositionalPattern {
  /** The same pattern (same flags) with `(?<name>` written `(` and `\k<name>` as `\N`. */
  re: RegExp;
  /** A named group's text in a match of `re`, or undefined (unknown name, not taking part). */
  group(m: RegExpExecArray, name: string): string | undefined;
  /**
   * Where `group` finds a name, for callers that look it up once: k > 0 is `m[k]`,
   * 0 is no such group, -1 means ask `group` (the original pattern was kept).
   */
  index(name: string): number;
  /** Every named group taking part in the match, as `pattern.exec(..).groups` would give them. */
  groups(m: RegExpExecArray, copy: (s: string) => string): Record<string, string>;
}

export function positional(pattern: RegExp): PositionalPattern {
  // `v` classes nest (`[[a-z]--[aeiou]]`), which the walk below does not follow.
  if (pattern.flags.includes('v')) return named(pattern);
  const src = pattern.source;
  const index = new Map<string, number>();
  let out = '';
  let n = 0; // capturing groups so far
  let inClass = false;
  for (let i = 0; i < src.length; i += 1) {
    const c = src[i]!;
    if (c === '\\') {
      const named = /^k<([A-Za-z_$][\w$]*)>/.exec(src.slice(i + 1));
      if (named && !inClass && index.has(named[1]!)) {
        out += `\\${index.get(named[1]!)!}`;
        i += named[0].length;
      } else {
        out += c + (src[i + 1] ?? '');
        i += 1;
      }
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '(') {
      const name = /^\?<([A-Za-z_$][\w$]*)>/.exec(src.slice(i + 1));
      if (name) {
        n += 1;
        index.set(name[1]!, n);
        out += '(';
        i += name[0].length;
      } else {
        if (src[i + 1] !== '?') n += 1;
        out += c;
      }
    } else out += c;
  }
  // A back reference to a group named later than it is used, or anything else this
  // walk does not follow: keep the original and its groups object.
  let re: RegExp;
  try {
    re = new RegExp(out, pattern.flags);
  } catch {
    re = pattern;
  }
  if (re === pattern || /\\k</.test(out)) return named(pattern);
  const names = [...index.entries()];
  return {
    re,
    group: (m, name) => {
      const k = index.get(name);
      return k === undefined ? undefined : m[k];
    },
    index: (name) => index.get(name) ?? 0,
    groups: (m, copy) => {
      const g: Record<string, string> = {};
      for (const [name, k] of names) if (m[k] !== undefined) g[name] = copy(m[k]);
      return g;
    },
  };
}

function named(pattern: RegExp): PositionalPattern {
  return {
    re: pattern,
    group: (m, name) => m.groups?.[name],
    index: () => -1,
    groups: (m, copy) => {
      const g: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) g[k] = copy(v);
      return g;
    },
  };
}
