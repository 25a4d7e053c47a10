import { readRendered } from './read-rendered.js';

/** `cms-doctor checks` in both formats, as the CLI printed them at build time. */
export interface RenderedChecks {
  text: string;
  json: string;
}

/** The file the build writes both listings to. */
export const RENDERED_CHECKS_NAME = 'checks.json';

/** `checks`, `checks --format text|json`, `checks --format=text|json` → the format; any other form → undefined. */
export function checksFormat(args: readonly string[]): 'text' | 'json' | undefined {
  if (args[0] !== 'checks') return undefined;
  const rest = args.slice(1);
  const value =
    rest.length === 0
      ? 'text'
      : rest.length === 2 && rest[0] === '--format'
        ? rest[1]
        : rest.length === 1
          ? /^--format=(.*)$/.exec(rest[0]!)?.[1]
          : undefined;
  return value === 'text' || value === 'json' ? value : undefined;
}

/**
 * The catalogue listing as printed when the CLI was built: it depends on nothing but the
 * build, and rendering it loads every plugin's metadata. Undefined for other forms, or when no
 * file is there: the command then runs.
 */
export async function renderedChecks(args: readonly string[]): Promise<string | undefined> {
  const format = checksFormat(args);
  if (!format) return undefined;
  return (await readRendered<RenderedChecks>(RENDERED_CHECKS_NAME))?.[format];
}
