import { readFile } from 'node:fs/promises';

/**
 * A file the build rendered beside the bundle (scripts/bundle-cli.mjs), parsed; undefined when
 * it is not there (running from dist or the sources) or unreadable: the CLI then renders anew.
 */
export async function readRendered<T>(name: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(new URL(`./${name}`, import.meta.url), 'utf8')) as T;
  } catch {
    return undefined;
  }
}
