import { normaliseName } from './record.js';
import { tidyLines } from './human-text.js';

/** One `zone "name" { file "..."; }` of a BIND configuration. */
export interface ConfZone {
  name: string;
  type?: string;
  file?: string;
  /** `in-view "other"`: the zone is shared from another view. */
  inView?: string;
}

export interface ConfView {
  name: string;
  matchClients: string[];
  zones: ConfZone[];
  /** Which side of a split DNS the view serves, when its name or clients say so. */
  side?: 'internal' | 'external';
}

export interface NamedConf {
  views: ConfView[];
  /** Zones outside any view. */
  zones: ConfZone[];
}

/** Words, quoted strings, braces and semicolons; comments (`//`, `#`, `/* *\/`) dropped. Bounded by the input. */
function tokens(text: string): string[] {
  const out: string[] = [];
  const re = /\/\*[\s\S]*?(?:\*\/|$)|\/\/[^\n]*|#[^\n]*|"((?:[^"\\]|\\.)*)"?|([{};])|([^\s{};"#/]+|\/)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[1] !== undefined) out.push(`"${m[1]}`);
    else if (m[2] !== undefined) out.push(m[2]);
    else if (m[3] !== undefined) out.push(m[3]);
  }
  return out;
}

const unquote = (t: string | undefined): string | undefined => (t === undefined ? undefined : t.startsWith('"') ? t.slice(1) : t);

const INSIDE = /(^|[^a-z])(internal|inside|intern|private|trusted|lan|intranet|corp)([^a-z]|$)/i;
const OUTSIDE = /(^|[^a-z])(external|outside|extern|public|internet|wan|dmz)([^a-z]|$)/i;
const PRIVATE_CLIENT = /^!?(?:localhost|localnets|10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|127\.|fc|fd|::1)/i;

/** Internal or external, from the view's name first, then its `match-clients` (private nets inside, `any` outside). */
export function viewSide(name: string, matchClients: readonly string[]): 'internal' | 'external' | undefined {
  if (INSIDE.test(name) && !OUTSIDE.test(name)) return 'internal';
  if (OUTSIDE.test(name) && !INSIDE.test(name)) return 'external';
  const positive = matchClients.filter((c) => !c.startsWith('!'));
  if (positive.some((c) => INSIDE.test(c)) && !positive.some((c) => OUTSIDE.test(c))) return 'internal';
  if (positive.some((c) => OUTSIDE.test(c)) && !positive.some((c) => INSIDE.test(c))) return 'external';
  if (positive.length > 0 && positive.every((c) => PRIVATE_CLIENT.test(c))) return 'internal';
  if (positive.length === 1 && positive[0] === 'any') return 'external';
  return undefined;
}

/** Reads the block that opens at `tokens[i]` (`{`); returns the index after its closing `};`. */
function skipBlock(t: readonly string[], i: number): number {
  let depth = 0;
  for (; i < t.length; i++) {
    if (t[i] === '{') depth++;
    else if (t[i] === '}' && --depth === 0) return t[i + 1] === ';' ? i + 2 : i + 1;
  }
  return i;
}

/** `zone "name" [class] { ... };` starting at `i` (the `zone` keyword). */
function readZone(t: readonly string[], i: number): { zone: ConfZone; next: number } {
  const zone: ConfZone = { name: normaliseName(unquote(t[i + 1]) ?? '') };
  let j = i + 2;
  while (j < t.length && t[j] !== '{' && t[j] !== ';') j++;
  if (t[j] !== '{') return { zone, next: j + 1 };
  const end = skipBlock(t, j);
  for (let k = j + 1; k < end; k++) {
    const key = t[k];
    if (key === 'type') zone.type = unquote(t[k + 1]);
    else if (key === 'file') zone.file = unquote(t[k + 1]);
    else if (key === 'in-view') zone.inView = unquote(t[k + 1]);
    else if (key === '{') k = skipBlock(t, k) - 1;
  }
  return { zone, next: end };
}

/** The `{ a; b; }` list at `i`. */
function readList(t: readonly string[], i: number): { items: string[]; next: number } {
  if (t[i] !== '{') return { items: [], next: i + 1 };
  const end = skipBlock(t, i);
  const items = t
    .slice(i + 1, end)
    .filter((x) => x !== ';' && x !== '{' && x !== '}')
    .map((x) => unquote(x) as string);
  return { items, next: end };
}

/**
 * Parses the views and zones of a BIND `named.conf`. Other statements are skipped by their
 * braces. Pure; never throws; unbalanced input ends where the text ends.
 */
export function parseNamedConf(text: string): NamedConf {
  const t = tokens(tidyLines(text).join('\n'));
  const conf: NamedConf = { views: [], zones: [] };
  let i = 0;
  while (i < t.length) {
    const word = t[i];
    if (word === 'zone') {
      const z = readZone(t, i);
      conf.zones.push(z.zone);
      i = z.next;
    } else if (word === 'view') {
      const view: ConfView = { name: unquote(t[i + 1]) ?? '', matchClients: [], zones: [] };
      let j = i + 2;
      while (j < t.length && t[j] !== '{' && t[j] !== ';') j++;
      const end = t[j] === '{' ? skipBlock(t, j) : j + 1;
      for (let k = j + 1; k < end;) {
        if (t[k] === 'match-clients' || t[k] === 'match-destinations') {
          const l = readList(t, k + 1);
          if (t[k] === 'match-clients') view.matchClients.push(...l.items);
          k = l.next;
        } else if (t[k] === 'zone') {
          const z = readZone(t, k);
          view.zones.push(z.zone);
          k = z.next;
        } else if (t[k] === '{') k = skipBlock(t, k);
        else k++;
      }
      const side = viewSide(view.name, view.matchClients);
      conf.views.push(side ? { ...view, side } : view);
      i = end;
    } else {
      // options { ... };, acl x { ... };, include "x";: skipped whole.
      let j = i;
      while (j < t.length && t[j] !== '{' && t[j] !== ';') j++;
      i = t[j] === '{' ? skipBlock(t, j) : j + 1;
    }
  }
  return conf;
}

/** Looks like a BIND configuration: `zone "x" {` or `view "x" {` or `options {` statements with BIND keywords. */
export function looksLikeNamedConf(text: string): boolean {
  const stmt = /^\s*(?:view|zone)\s+"?[^\s"{]+"?\s*(?:IN\s*)?\{/im.test(text) || /^\s*options\s*\{/im.test(text);
  const keyword =
    /\b(?:match-clients|type\s+(?:master|primary|slave|secondary|forward|hint|stub)|file\s+"|directory\s+"|allow-query|recursion\s+(?:yes|no)|in-view)\b/i.test(
      text,
    );
  return stmt && keyword;
}
