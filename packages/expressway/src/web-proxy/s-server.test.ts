import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckContext, FindingDraft } from '@cms-doctor/core';
import { hasPeer } from '../../../../test/helpers/peers.js';
import { webProxyCheck } from './check.js';

const NAME = 'cmsweb.example.net';

const ctx = (target: Record<string, unknown>): CheckContext => ({
  target,
  signal: new AbortController().signal,
  deadline: Date.now() + 10_000,
  mode: 'live',
  get: () => undefined,
  files: () => [],
});

/**
 * Issue 10: against a real `openssl s_server -www` (an HTTPS server that answers 200 with its
 * own status page) the web proxy check passed. It must warn, naming the page's title and first bytes.
 */
describe.runIf(hasPeer('openssl'))('webProxyCheck against a real openssl s_server -www', () => {
  let proc: ChildProcess | undefined;
  let dir = '';
  let port = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cmsd-webproxy-'));
    // A throwaway self-signed certificate, made by openssl itself.
    const req = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${NAME}`, '-days', '1'].concat([
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]),
      { encoding: 'utf8' },
    );
    expect(req.status, req.stderr).toBe(0);
    // Port 0: s_server picks a free port and prints it ("ACCEPT 127.0.0.1:NNNNN").
    proc = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', '-cert', join(dir, 'cert.pem'), '-key', join(dir, 'key.pem'), '-www'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`s_server did not start: ${out}`)), 5000);
      proc!.stdout!.on('data', (b: Buffer) => {
        out += b.toString('latin1');
        const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      proc!.once('exit', (code) => reject(new Error(`s_server exited ${code}: ${out}`)));
    });
  });

  afterAll(() => {
    if (proc?.pid) proc.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('warns expressway/web-proxy-unexpected, not pass, with the title and first bytes as evidence', async () => {
    const out = (await webProxyCheck.run(ctx({ external: NAME, edge: `127.0.0.1:${port}` }))) as FindingDraft[];
    expect(out).toHaveLength(1);
    const f = out[0]!;
    expect([f.code, f.status]).toEqual(['expressway/web-proxy-unexpected', 'warn']);
    expect(f.subject).toBe(`${NAME} at 127.0.0.1:${port}/tls`);
    expect(f.detail).toContain(`The edge at 127.0.0.1:${port} answers GET / for ${NAME} with HTTP 200`);
    expect(f.detail).toMatch(/no page title/);
    expect(f.detail).toMatch(/First bytes: ".*s_server/);
    const http = f.evidence?.find((e) => e.kind === 'http-answer');
    expect(http).toMatchObject({ status: 200, verdict: 'unexpected' });
    expect(String(http?.['bodyStart'])).toMatch(/s_server/);
  });
});
