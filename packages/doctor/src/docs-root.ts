import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's docs/ folder, found by walking up from this module. */
export function docsRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'docs', 'findings'))) return join(dir, 'docs');
    dir = dirname(dir);
  }
  return undefined;
}

export const findingDoc = (root: string, code: string): string => join(root, 'findings', ...code.split('/')) + '.md';
export const fixDoc = (root: string, id: string): string => join(root, 'fixes', `${id}.md`);
