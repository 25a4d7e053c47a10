import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { startWebBridge, startWebProxy, type WebProxy, type WebProxyMode } from '../../../lab/src/web-proxy/index.js';
import { testCertificate } from '../testing/tls.js';
import { probeWebProxy } from './probe.js';
import { judgeWebProxy, webProxyCheck } from './check.js';
import { CORE_CODES, type CheckContext } from '@cms-doctor/core';
import { EXPRESSWAY_CODES } from '../catalogue.js';

const entry = (code: string) => [...CORE_CODES, ...EXPRESSWAY_CODES].find((c) => c.code === code);

const NAME = 'cmsweb.octavio.com';
const HOST = '127.88.246.156';
const tls = testCertificate(NAME);
const proxies = new Map<WebProxyMode, WebProxy>();

beforeAll(async () => {
  for (const mode of ['web-app', 'web-app-2x', 'bad-request', 'admin-login', 'stall-handshake', 'stall-http'] as const) {
    proxies.set(mode, await startWebProxy({ host: HOST, tls, mode }));
  }
});
afterAll(async () => {
  await Promise.all([...proxies.values()].map((p) => p.close()));
});

const probe = (mode: WebProxyMode, extra: Partial<Parameters<typeof probeWebProxy>[0]> = {}) => {
  const p = proxies.get(mode)!;
  return probeWebProxy({
    host: p.host,
    port: p.port,
    servername: NAME,
    connectTimeoutMs: 1000,
    handshakeTimeoutMs: 800,
    responseTimeoutMs: 800,
    ...extra,
  });
};

describe('probeWebProxy against the lab web proxy emulator', () => {
  it('classifies each served page with the contract code; problems carry the title and basis of their table entry', async () => {
    const cases: [WebProxyMode, string, string][] = [
      ['web-app', 'expressway/web-proxy', 'pass'],
      ['web-app-2x', 'expressway/web-proxy', 'pass'],
      ['bad-request', 'expressway/guest-uri-internal', 'fail'],
      ['admin-login', 'expressway/admin-port-443', 'fail'],
    ];
    for (const [mode, code, status] of cases) {
      const r = await probe(mode);
      expect(r.ok, mode).toBe(true);
      const p = proxies.get(mode)!;
      const f = judgeWebProxy(r, p.host, p.port, NAME, false);
      expect([f.code, f.status], mode).toEqual([code, status]);
      const e = entry(code);
      if (e) expect([f.title, f.basis, f.fixes]).toEqual([e.title, e.basis, e.fixes]);
      else expect(f.basis).toBe('inferred');
    }
  });

  it('names host:port and the web bridge name where they belong, never a port as a name (issue 10)', async () => {
    const p = proxies.get('admin-login')!;
    const f = judgeWebProxy(await probe('admin-login'), p.host, p.port, NAME, false);
    expect(f.subject).toBe(`${NAME} at ${HOST}:${p.port}/tls`);
    expect(f.detail).toContain(`The edge at ${HOST}:${p.port} answers GET / for ${NAME} with`);
    expect(`${f.title} ${f.detail}`).not.toMatch(/answers \d+ with/);
  });

  it('the lab wiring (the proxy forwarding to the lab web bridge) passes on the web app marker', async () => {
    const bridge = await startWebBridge({ host: '127.0.0.1', tls });
    const proxy = await startWebProxy({
      host: HOST,
      tls,
      mode: 'web-app',
      upstream: { host: bridge.host, port: bridge.port, servername: NAME, ca: tls.cert },
    });
    try {
      const r = await probeWebProxy({ host: proxy.host, port: proxy.port, servername: NAME, responseTimeoutMs: 2000 });
      const f = judgeWebProxy(r, proxy.host, proxy.port, NAME, false);
      expect([f.code, f.status]).toEqual(['expressway/web-proxy', 'pass']);
      expect(f.detail).toMatch(/CMS 3.x web app: title "Cisco Meeting Server web app" \(seen on real pages\)/);
    } finally {
      await proxy.close();
      await bridge.close();
    }
  });

  it('sends the web bridge name as SNI and in the Host header', async () => {
    await probe('web-app');
    const seen = proxies.get('web-app')!.requests.at(-1);
    expect(seen?.host).toBe(`${NAME}:${proxies.get('web-app')!.port}`);
  });

  it('classifies even though the certificate does not verify, and says so in the evidence', async () => {
    const r = await probe('bad-request');
    expect(r.ok && r.tls.authorized).toBe(false);
    const p = proxies.get('bad-request')!;
    const ev = judgeWebProxy(r, p.host, p.port, NAME, false).evidence ?? [];
    const session = ev.find((e) => e.kind === 'tls-session');
    expect(session?.authorized).toBe(false);
    expect(String(session?.note)).toMatch(/not enforced/);
  });

  it('trusts the server when its certificate is given as CA', async () => {
    const r = await probe('web-app', { ca: [tls.cert] });
    expect(r.ok && r.tls.authorized).toBe(true);
  });

  it('a refused port is web-proxy-unreachable', async () => {
    const s = net.createServer();
    await new Promise<void>((res) => s.listen(0, HOST, res));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise<void>((res) => s.close(() => res()));
    const r = await probeWebProxy({ host: HOST, port, servername: NAME, connectTimeoutMs: 1000 });
    expect(r.ok).toBe(false);
    const f = judgeWebProxy(r, HOST, port, NAME, false);
    expect([f.code, f.status, f.fixes]).toEqual(['expressway/web-proxy-unreachable', 'fail', ['firewall-https']]);
  });

  it('a stalled TLS handshake ends at its budget as an error, not a hang', async () => {
    const r = await probe('stall-handshake');
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.phase, r.timedOut]).toEqual(['handshake', true]);
    const p = proxies.get('stall-handshake')!;
    expect(judgeWebProxy(r, p.host, p.port, NAME, false)).toMatchObject({ code: 'expressway/check-error', status: 'error' });
  });

  it('a stalled HTTP answer ends at its budget as an error', async () => {
    const r = await probe('stall-http');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.phase).toBe('response');
  });

  it('an aborted signal ends the probe at once', async () => {
    const ac = new AbortController();
    const pending = probe('stall-handshake', { handshakeTimeoutMs: 60_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const r = await pending;
    expect(r.ok).toBe(false);
  });
});

describe('webProxyCheck', () => {
  const ctx = (target: Record<string, unknown>, dns?: unknown): CheckContext => ({
    target,
    signal: new AbortController().signal,
    deadline: Date.now() + 5000,
    mode: 'live',
    get: <T>(id: string) => (id === 'dns.webbridge' ? (dns as T) : undefined),
    files: () => [],
  });
  it('uses --edge host:port', async () => {
    const p = proxies.get('admin-login')!;
    const out = await webProxyCheck.run(ctx({ external: NAME, edge: `${p.host}:${p.port}` }));
    expect(Array.isArray(out) ? out[0]?.code : undefined).toBe('expressway/admin-port-443');
  });
  it('without --edge and without a DNS answer it skips, naming edge', async () => {
    const out = await webProxyCheck.run(ctx({ external: NAME }));
    expect(Array.isArray(out) ? out[0] : undefined).toMatchObject({ status: 'skip', needs: ['edge'] });
  });
});
