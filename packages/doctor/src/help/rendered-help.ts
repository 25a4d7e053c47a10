import { readRendered } from './read-rendered.js';
import { helpWidth } from './width.js';

/** The widths whose help the build renders in advance: no terminal (100), wide terminals (110), the classic 80. */
export const RENDERED_WIDTHS = [80, 100, 110] as const;

/** Help texts by command path ('' for the top level, 'probe turn'), as yargs rendered them at build time. */
export type RenderedHelp = Record<string, string>;

/** The file the build writes the help texts of one width to. */
export const renderedHelpName = (width: number): string => `help-${width}.json`;

/** `[...command words, --help|-h]` → the command path; anything else (help among other flags too) → undefined. */
export function helpPath(args: readonly string[]): string | undefined {
  const last = args[args.length - 1];
  if (last !== '--help' && last !== '-h') return undefined;
  const words = args.slice(0, -1);
  return words.every((w) => /^[a-z]+$/.test(w)) ? words.join(' ') : undefined;
}

/**
 * `--help` as yargs printed it when the CLI was built (scripts/bundle-cli.mjs writes the files
 * beside the bundle; its small help.js entry exports this), without loading yargs, the
 * commands or even the CLI: bin/cms-doctor.js asks here first. Undefined when this width or
 * path was not rendered, or no file is there: the CLI's yargs then renders it, the same text.
 */
export async function renderedHelp(args: readonly string[], columns: number | undefined): Promise<string | undefined> {
  const path = helpPath(args);
  const width = helpWidth(columns);
  if (path === undefined || !(RENDERED_WIDTHS as readonly number[]).includes(width)) return undefined;
  const texts = await readRendered<RenderedHelp>(renderedHelpName(width));
  return texts && Object.hasOwn(texts, path) ? texts[path] : undefined;
}
