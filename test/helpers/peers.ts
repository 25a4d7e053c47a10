import { spawnSync } from 'node:child_process';

/**
 * Whether a real peer program (coturn, dnsmasq, tshark, openssl) is installed.
 * Outside CI a missing peer skips its tests with a printed notice; under CI=true
 * it is a failure, because .ci/run installs every peer.
 */
export function hasPeer(binary: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).status === 0;
  if (!found) {
    if (process.env.CI === 'true') throw new Error(`${binary} is required under CI=true; .ci/run must install it`);
    console.warn(`[cms-doctor tests] ${binary} not installed: its tests are skipped`);
  }
  return found;
}
