import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where Debian's `chromium` package puts the browser (and the older name some images keep). */
export const DEFAULT_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'] as const;

export type ChromiumLookup = { found: true; path: string; from: string } | { found: false; detail: string };

/** `--chromium` (or CMS_DOCTOR_CHROMIUM / the config key) when given, else Debian's path. */
export function findChromium(given: string | undefined, candidates: readonly string[] = DEFAULT_CHROMIUM): ChromiumLookup {
  if (given !== undefined)
    return existsSync(given)
      ? { found: true, path: given, from: '--chromium' }
      : {
          found: false,
          detail: `--chromium ${given} does not exist. Give the path of a Chromium executable, or install the Debian package chromium.`,
        };
  const path = candidates.find((p) => existsSync(p));
  return path
    ? { found: true, path, from: 'the Debian package chromium' }
    : {
        found: false,
        detail: `No Chromium at ${candidates.join(' or ')}: install the Debian package chromium (apt-get install chromium), or give --chromium <path>.`,
      };
}

/** Flags of every launch: no background traffic, nothing fetched but what the check opens. */
export function chromiumArgs(hostRules: string): string[] {
  return [
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-domain-reliability',
    '--disable-sync',
    '--no-first-run',
    '--no-pings',
    '--no-default-browser-check',
    `--host-resolver-rules=${hostRules}`,
    // Chromium refuses to run its sandbox as root; an unprivileged user keeps it.
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  ];
}

export interface BrowserHome {
  /** The HOME Chromium runs with: its NSS database holds the --ca certificates. */
  home: string;
  /** How many --ca certificates Chromium trusts; undefined when certutil is missing. */
  caLoaded: number | undefined;
  dispose(): Promise<void>;
}

/**
 * A private HOME for one run, so the lab's or the user's extra CAs are trusted by Chromium
 * exactly as `--ca` makes cms-doctor's own TLS checks trust them, without touching the user's
 * browser profile or the system store (docs/decisions/browser-verification.md). Chromium on
 * Linux reads user trust anchors from `$HOME/.pki/nssdb`, which `certutil` (Debian
 * libnss3-tools) writes.
 */
export async function browserHome(caFiles: readonly string[], signal?: AbortSignal): Promise<BrowserHome> {
  const home = await mkdtemp(join(tmpdir(), 'cmsd-chromium-'));
  const dispose = (): Promise<void> => rm(home, { recursive: true, force: true });
  if (caFiles.length === 0) return { home, caLoaded: 0, dispose };
  const db = join(home, '.pki', 'nssdb');
  await mkdir(db, { recursive: true });
  try {
    await run('certutil', ['-N', '-d', `sql:${db}`, '--empty-password'], { signal });
  } catch {
    return { home, caLoaded: undefined, dispose };
  }
  let n = 0;
  for (const file of caFiles) {
    // certutil -A reads one certificate per call: a bundle file is split first.
    const pems = (await readFile(file, 'utf8')).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    for (const pem of pems) {
      n += 1;
      const one = join(home, `ca-${n}.pem`);
      await writeFile(one, `${pem}\n`);
      await run('certutil', ['-A', '-d', `sql:${db}`, '-n', `cms-doctor-ca-${n}`, '-t', 'C,,', '-i', one], { signal });
    }
  }
  return { home, caLoaded: n, dispose };
}

/** Launches headless Chromium through playwright-core, loaded only now (docs/decisions/lazy-loading.md). */
export async function launchChromium(opts: { executable: string; hostRules: string; home: string; timeoutMs: number }) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: opts.executable,
    args: chromiumArgs(opts.hostRules),
    env: { ...process.env, HOME: opts.home },
    timeout: opts.timeoutMs,
  });
}
