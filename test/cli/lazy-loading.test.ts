import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

// What a command loads, recorded by a module hook (test/helpers/record-modules.mjs): the catalogue
// is light metadata and each check's code loads when it runs (docs/decisions/lazy-loading.md).
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RECORDER = fileURLToPath(new URL('../helpers/record-modules.mjs', import.meta.url));
const SMALL_LOG = join(ROOT, 'fixtures/cms/logs/cms-edge-syslog_tac221729_webrtc-join.txt');
const HEAVY = ['undici', '@peculiar/x509', 'reflect-metadata', 'node-forge', 'ssh2', 'dns2', 'prom-client'];

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function loadedBy(args: string[]): Promise<{ code: number; modules: string[] }> {
  dir ??= await mkdtemp(join(tmpdir(), 'cms-doctor-modules-'));
  const log = join(dir, `${(await readdir(dir)).length}.txt`);
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', RECORDER, BIN, ...args], {
      env: { PATH: process.env.PATH, CMS_DOCTOR_MODULE_LOG: log },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    child.on('error', reject);
    child.on('exit', (c) => resolve(c ?? -1));
  });
  const loaded = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { code, modules: await unbundled(loaded) };
}

/**
 * The CLI runs from its bundle (scripts/bundle-cli.mjs): a loaded chunk stands for the dist
 * modules it holds, which the bundle's modules.json lists, so the assertions below name modules.
 */
async function unbundled(loaded: readonly string[]): Promise<string[]> {
  const chunks = JSON.parse(await readFile(join(ROOT, 'packages/doctor/bundle/modules.json'), 'utf8')) as Record<string, string[]>;
  return loaded.flatMap((url) => {
    const chunk = /\/packages\/doctor\/bundle\/([^/]+)$/.exec(url)?.[1];
    return chunk ? (chunks[chunk] ?? []).map((m) => `file://${ROOT}${m}`) : [url];
  });
}

const libsIn = (modules: readonly string[]): string[] => HEAVY.filter((lib) => modules.some((m) => m.includes(`/node_modules/${lib}/`)));

/** The check modules each package's light entry imports only when a check runs. */
async function implementationModules(): Promise<string[]> {
  const out: string[] = [];
  for (const pkg of ['dns', 'certs', 'turn', 'cms', 'trust', 'expressway']) {
    const light = await readFile(join(ROOT, 'packages', pkg, 'src', 'light.ts'), 'utf8');
    const eager = new Set([...light.matchAll(/from '\.\/([^']+)'/g)].map((m) => m[1]));
    for (const m of light.matchAll(/import\('\.\/([^']+)'\)/g)) {
      if (!eager.has(m[1]!)) out.push(`/packages/${pkg}/dist/${m[1]}`);
    }
  }
  return [...new Set(out)];
}

describe('commands load only what their input needs', () => {
  it('the recorder sees modules (else the assertions below prove nothing)', async () => {
    const { code, modules } = await loadedBy(['triage', SMALL_LOG, '--format', 'json']);
    expect([0, 1]).toContain(code); // a report, not a usage error or a crash
    expect(modules.some((m) => m.includes('/packages/cms/dist/checks/offline.js'))).toBe(true);
    expect(modules.some((m) => m.includes('/node_modules/chalk/'))).toBe(true);
  }, 60_000);

  it('triage of a small CMS log loads no HTTP, x509, PKCS#12, SSH or DNS library, nor the live checks, nor yargs', async () => {
    const { modules } = await loadedBy(['triage', SMALL_LOG, '--format', 'json']);
    expect(libsIn(modules)).toEqual([]);
    // Parsed by yargs-parser from the command's own declarations (packages/doctor/src/parse/).
    expect(modules.filter((m) => m.includes('/node_modules/yargs/'))).toEqual([]);
    const live = ['/packages/turn/dist/checks/live.js', '/packages/cms/dist/checks/live.js', '/packages/certs/dist/checks.js'];
    expect(live.filter((p) => modules.some((m) => m.includes(p)))).toEqual([]);
  }, 60_000);

  it('triage of a ticket bundle without certificates (capture, dig, MMP, logs) loads none of them either', async () => {
    const { code, modules } = await loadedBy(['triage', join(ROOT, 'fixtures/bundles/media-never-flows'), '--format', 'json']);
    expect([0, 1]).toContain(code);
    // The trust checks read MMP text through @cms-doctor/cms/mmp-screens and load the certificate
    // libraries only for certificate files; the DNS checks load dns2 only to query.
    expect(libsIn(modules)).toEqual([]);
  }, 60_000);

  for (const args of [['checks'], ['checks', '--format', 'json'], ['explain', 'turn/integrity-check-failure'], ['--help']]) {
    it(`${args.join(' ')} loads no check implementation and no heavy library`, async () => {
      const { code, modules } = await loadedBy(args);
      expect(code).toBe(0);
      expect(libsIn(modules)).toEqual([]);
      const impl = await implementationModules();
      expect(impl.length).toBeGreaterThan(10);
      expect(impl.filter((p) => modules.some((m) => m.includes(p)))).toEqual([]);
      // Lookups are parsed without yargs; `--help` was rendered by yargs when the CLI was built.
      expect(modules.filter((m) => m.includes('/node_modules/yargs/'))).toEqual([]);
    }, 60_000);
  }

  it('an unknown name is answered without yargs, a usage error by yargs', async () => {
    const unknownName = await loadedBy(['explain', 'no/such-code']);
    expect(unknownName.code).toBe(2);
    expect(unknownName.modules.some((m) => m.includes('/node_modules/yargs/'))).toBe(false);
    const unknownFlag = await loadedBy(['triage', SMALL_LOG, '--no-such-flag']);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.modules.some((m) => m.includes('/node_modules/yargs/'))).toBe(true);
  }, 60_000);
});
