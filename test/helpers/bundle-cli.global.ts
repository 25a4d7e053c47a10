import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Tests spawn bin/cms-doctor.js, which runs the bundle built from dist: rebuilt here (about a
 * second) so that a `tsc -b` followed by `vitest` never tests a bundle older than dist.
 */
export default function bundleCli(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  if (!existsSync(`${root}packages/doctor/dist/cli.js`)) throw new Error('packages are not built: run npm run build first');
  const r = spawnSync(process.execPath, [`${root}scripts/bundle-cli.mjs`], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/bundle-cli.mjs failed:\n${r.stderr}`);
}
