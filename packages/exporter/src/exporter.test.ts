import { afterEach, describe, expect, it } from 'vitest';
import type { Report, Target } from '@cms-doctor/core';
import { createExporter, type DiagnoseFn, type Exporter } from './exporter.js';

const okReport = (): Report => ({
  schemaVersion: 1,
  tool: { name: 'cms-doctor', version: 'test' },
  mode: 'live',
  target: {},
  startedAt: new Date(0).toISOString(),
  durationMs: 1,
  summary: { pass: 1, warn: 0, fail: 0, error: 0, skip: 0, info: 0 },
  checks: [{ id: 'dns.webbridge', area: 'dns', status: 'pass', durationMs: 1 }],
  findings: [
    {
      check: 'dns.webbridge',
      code: 'dns/webbridge',
      status: 'pass',
      title: 'ok',
      evidence: [{ kind: 'dns-lookup', view: 'internal' }],
      fixes: [],
      source: 'live',
      basis: 'documented',
      needs: [],
    },
  ],
  fixes: {},
});

const targets = new Map<string, Target>([
  ['prod', { external: 'cmsweb.example.com', edge: 'edge.example.com:443', turn: 'edge.example.com:3478' }],
  ['lab', { external: 'cmsweb.example.com' }],
]);

let open: Exporter | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function start(diagnose: DiagnoseFn, extra: Partial<Parameters<typeof createExporter>[0]> = {}): Promise<string> {
  open = createExporter({
    deployments: targets,
    diagnose,
    resolveAll: async (h) => (h === 'edge.example.com' ? ['127.0.0.10', '127.0.0.11'] : []),
    ...extra,
  });
  await new Promise<void>((r) => open?.server.listen(0, '127.0.0.1', () => r()));
  const a = open.server.address() as { port: number };
  return `http://127.0.0.1:${a.port}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createExporter over HTTP', () => {
  it('refuses a target that is not in the inventory (404) and runs nothing; 400 for missing target or unknown module', async () => {
    let calls = 0;
    const url = await start(async () => {
      calls++;
      return okReport();
    });
    const r404 = await fetch(`${url}/probe?target=10.0.0.1&module=turn`);
    expect(r404.status).toBe(404);
    expect(await r404.text()).not.toContain('10.0.0.1');
    expect((await fetch(`${url}/probe?module=turn`)).status).toBe(400);
    expect((await fetch(`${url}/probe?target=prod&module=nope`)).status).toBe(400);
    expect((await fetch(`${url}/probe?target=prod&module=turn`, { method: 'POST' })).status).toBe(405);
    expect(calls).toBe(0);
    const m = await (await fetch(`${url}/metrics`)).text();
    expect(m).toMatch(/cms_doctor_exporter_requests_refused_total\{reason="unknown-target"\} 1/);
  });

  it('passes the module areas and answers the probe in the text format', async () => {
    const seen: unknown[] = [];
    const url = await start(async (_t, o) => {
      seen.push(o.only);
      return okReport();
    });
    const r = await fetch(`${url}/probe?target=prod&module=dns`);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const body = await r.text();
    expect(body).toMatch(/^probe_success 1$/m);
    expect(body).toMatch(/^cms_doctor_dns_view_expected\{view="internal"\} 1$/m);
    expect(seen).toEqual([['dns']]);
    await fetch(`${url}/probe?target=prod&module=full`);
    expect(seen[1]).toBeUndefined();
  });

  it('the deadline comes from X-Prometheus-Scrape-Timeout-Seconds minus the offset; a late probe is undecided, not down', async () => {
    let given = 0;
    let aborted = false;
    const url = await start(async (_t, o) => {
      given = o.timeoutMs;
      await new Promise<void>((r) => o.signal.addEventListener('abort', () => r()));
      aborted = true;
      await sleep(5000); // a check that ignores its signal must not hold the answer
      return okReport();
    });
    const t0 = performance.now();
    const r = await fetch(`${url}/probe?target=prod&module=turn`, { headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '1' } });
    const ms = performance.now() - t0;
    const body = await r.text();
    expect(given).toBeLessThanOrEqual(500);
    expect(given).toBeGreaterThan(300);
    expect(ms).toBeLessThan(1000);
    expect(aborted).toBe(true);
    expect(body).toMatch(/^probe_success 0$/m);
    expect(body).toMatch(/^cms_doctor_probe_undecided 1$/m);
  });

  it('a probe of the same target and module in flight is joined, not started twice', async () => {
    let calls = 0;
    const url = await start(async () => {
      calls++;
      await sleep(150);
      return okReport();
    });
    const bodies = await Promise.all([1, 2, 3].map(() => fetch(`${url}/probe?target=prod&module=turn`).then((r) => r.text())));
    expect(calls).toBe(1);
    for (const b of bodies) expect(b).toMatch(/^probe_success 1$/m);
    await fetch(`${url}/probe?target=prod&module=dns`);
    expect(calls).toBe(2);
    const m = await (await fetch(`${url}/metrics`)).text();
    expect(m).toMatch(/cms_doctor_exporter_probes_joined_total\{module="turn"\} 2/);
    expect(m).toMatch(/cms_doctor_exporter_probes_total\{module="turn",result="success"\} 3/);
  });

  it('an internal error in a probe answers undecided and counts an error', async () => {
    const errors: unknown[] = [];
    const url = await start(
      async () => {
        throw new Error('boom');
      },
      { onProbeError: (e) => errors.push(e) },
    );
    const body = await (await fetch(`${url}/probe?target=prod&module=turn`)).text();
    expect(body).toMatch(/^cms_doctor_probe_undecided 1$/m);
    expect(errors).toHaveLength(1);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/cms_doctor_exporter_probe_errors_total\{module="turn"\} 1/);
  });

  it('address= probes one address the Expressway-E name resolves to, and refuses any other', async () => {
    const seen: Target[] = [];
    const url = await start(async (t) => {
      seen.push(t);
      return okReport();
    });
    for (const a of ['127.0.0.10', '127.0.0.11'])
      expect((await fetch(`${url}/probe?target=prod&module=turn&address=${a}`)).status).toBe(200);
    expect(seen.map((t) => [t.edge, t.turn, t.external])).toEqual([
      ['127.0.0.10:443', '127.0.0.10:3478', 'cmsweb.example.com'],
      ['127.0.0.11:443', '127.0.0.11:3478', 'cmsweb.example.com'],
    ]);
    expect((await fetch(`${url}/probe?target=prod&module=turn&address=127.0.0.99`)).status).toBe(400);
    expect((await fetch(`${url}/probe?target=prod&module=turn&address=not-an-ip`)).status).toBe(400);
    expect(seen).toHaveLength(2);
  });

  it('bounded concurrency: queued probes wait for a slot', async () => {
    let running = 0;
    let peak = 0;
    const url = await start(
      async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(50);
        running--;
        return okReport();
      },
      { concurrency: 2 },
    );
    const names = ['prod', 'lab'];
    const mods = ['turn', 'cert', 'dns'];
    await Promise.all(names.flatMap((n) => mods.map((m) => fetch(`${url}/probe?target=${n}&module=${m}`).then((r) => r.text()))));
    expect(peak).toBe(2);
  });
});
