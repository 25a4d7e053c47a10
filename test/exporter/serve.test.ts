/** `cms-doctor serve`: usage errors, refusal of unknown targets, no secret in any answer, clean stop. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { spawnServe } from './helpers.js';

const SECRET = 'hunter2-turn-secret';
const dir = await mkdtemp(join(tmpdir(), 'cms-doctor-serve-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function inventory(entries: unknown, name = 'fleet.yaml'): Promise<string> {
  await writeFile(join(dir, 'turn.pw'), SECRET);
  const path = join(dir, name);
  await writeFile(path, typeof entries === 'string' ? entries : JSON.stringify(entries));
  return path;
}

const entry = { name: 'prod', external: 'cmsweb.example.com', turn: '127.0.0.1:9', 'turn-user': 'u', 'turn-password-file': 'turn.pw' };

describe('cms-doctor serve', () => {
  it('usage errors exit 2 with a clear message', async () => {
    const inv = await inventory([entry]);
    for (const [args, message] of [
      [['serve', '--inventory', inv, '--listen', 'localhost:9469'], /--listen takes ip:port/],
      [['serve', '--inventory', inv, '--listen', '127.0.0.1'], /--listen takes ip:port/],
      [['serve', '--inventory', inv, '--concurrency', '0'], /--concurrency/],
      [['serve', '--inventory', join(dir, 'missing.yaml')], /missing.yaml/],
      [['serve', '--inventory', await inventory([entry, entry], 'twice.yaml')], /appears twice/],
      [['serve', '--inventory', await inventory([{ name: 'x' }], 'noext.yaml')], /no external name/],
      [['serve', '--inventory', inv, '--modules', await inventory({ m: { areas: ['nope'] } }, 'mods.yaml')], /areas must be/],
      [
        ['serve', '--inventory', await inventory({ deployments: [entry], modules: { m: { areas: ['nope'] } } }, 'inv-mods.yaml')],
        /areas must be/,
      ],
      [['serve'], /inventory/],
    ] as const) {
      const r = await runCli([...args]);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('spawned as a user runs it: loopback by default, 404 for a target not in the inventory, no secret anywhere, stops on SIGTERM', async () => {
    const served = await spawnServe(['--inventory', await inventory([entry])]);
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const refused = await fetch(`${served.url}/probe?target=127.0.0.1&module=turn`);
      expect(refused.status).toBe(404);
      const texts = [
        await refused.text(),
        await (await fetch(`${served.url}/metrics`)).text(),
        await (await fetch(`${served.url}/`)).text(),
      ];
      expect(texts[1]).toMatch(/cms_doctor_exporter_requests_refused_total\{reason="unknown-target"\} 1/);
      for (const t of texts) expect(t).not.toContain(SECRET);
    } finally {
      await served.stop();
    }
    expect(served.child.exitCode).toBe(0);
  });
});
