import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { lookup } from 'node:dns/promises';
import type { Area, Report, Target } from '@cms-doctor/core';
import { DEFAULT_MODULES, type ProbeModule } from './modules.js';
import { probeDeadlineMs, SCRAPE_TIMEOUT_HEADER } from './deadline.js';
import { ProbeScheduler, QueueDeadlineError } from './scheduler.js';
import { probeSamples, type Sample } from './probe-metrics.js';
import { renderSamples } from './render.js';
import { createSelfMetrics, type ProbeResult } from './self-metrics.js';
import { pinAddress, type ResolveAll } from './address.js';

/** Runs the checks of some areas against a target (the CLI passes diagnoseLive). */
export type DiagnoseFn = (target: Target, opts: { only?: readonly Area[]; timeoutMs: number; signal: AbortSignal }) => Promise<Report>;

/** A deployment of the inventory: its target, or a function that builds it (re-reading secret files) per probe. */
export type TargetSource = Target | (() => Promise<Target>);

export interface ExporterOptions {
  /** The inventory: deployment name -> target. Only these names can be probed. */
  deployments: ReadonlyMap<string, TargetSource>;
  modules?: ReadonlyMap<string, ProbeModule>;
  diagnose: DiagnoseFn;
  /** Probes run at once; more wait (and count against their deadline). Default 4. */
  concurrency?: number;
  /** Seconds kept back from Prometheus' scrape timeout (blackbox: --timeout-offset). Default 0.5. */
  timeoutOffsetSeconds?: number;
  /** Deadline without the scrape header. Default 10. */
  defaultTimeoutSeconds?: number;
  /** Upper bound of any deadline. Default 120. */
  maxTimeoutSeconds?: number;
  resolveAll?: ResolveAll;
  /** Told about a probe that failed with an internal error (answered as undecided); the CLI logs it. */
  onProbeError?: (error: unknown, context: { target: string; module: string }) => void;
}

export interface ProbeAnswer {
  samples: Sample[];
  result: ProbeResult;
  joined: boolean;
}

export interface Exporter {
  server: Server;
  /** One probe as /probe runs it, without HTTP. */
  probe(name: string, module: string, deadlineMs: number, address?: string): Promise<ProbeAnswer>;
  /** The exporter's own metrics in the text format. */
  selfMetrics(): Promise<{ contentType: string; body: string }>;
  close(): Promise<void>;
}

const defaultResolveAll: ResolveAll = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A blackbox_exporter-style exporter over the cms-doctor checks: GET /probe runs a
 * module against one inventory deployment and answers its metrics; GET /metrics
 * answers the exporter's own. It imports neither the lab nor the CLI: the caller
 * gives it the diagnose function and the inventory.
 */
export function createExporter(opts: ExporterOptions): Exporter {
  const modules = opts.modules ?? DEFAULT_MODULES;
  const resolveAll = opts.resolveAll ?? defaultResolveAll;
  const scheduler = new ProbeScheduler<Report>(opts.concurrency ?? 4);
  const self = createSelfMetrics({ active: () => scheduler.active, waiting: () => scheduler.waiting });
  const deadlineOpts = {
    offsetSeconds: opts.timeoutOffsetSeconds ?? 0.5,
    defaultSeconds: opts.defaultTimeoutSeconds ?? 10,
    maxSeconds: opts.maxTimeoutSeconds ?? 120,
  };

  async function targetOf(name: string, address: string | undefined): Promise<Target> {
    const source = opts.deployments.get(name);
    if (source === undefined)
      throw new RequestError(404, 'unknown-target', 'target is not a deployment of the inventory; nothing was probed');
    const target = typeof source === 'function' ? await source() : source;
    if (address === undefined) return target;
    const pinned = await pinAddress(target, address, resolveAll).catch(() => undefined);
    if (!pinned) throw new RequestError(400, 'unknown-address', "address is not one that this deployment's Expressway-E names resolve to");
    return pinned;
  }

  async function probe(name: string, moduleName: string, deadlineMs: number, address?: string): Promise<ProbeAnswer> {
    const module = modules.get(moduleName);
    if (!module) throw new RequestError(400, 'unknown-module', `unknown module; one of: ${[...modules.keys()].join(', ')}`);
    if (!opts.deployments.has(name))
      throw new RequestError(404, 'unknown-target', 'target is not a deployment of the inventory; nothing was probed');
    const t0 = performance.now();
    // Our own timer rather than AbortSignal.timeout: it is cleared when the probe settles,
    // so a finished probe's signal and listeners are not kept alive until the deadline.
    const deadline = new AbortController();
    const deadlineTimer = setTimeout(() => deadline.abort(), deadlineMs);
    const signal = deadline.signal;
    const key = JSON.stringify([name, moduleName, address ?? '']);
    const { promise, joined } = scheduler.run(key, signal, async () => {
      const target = await targetOf(name, address);
      const remaining = Math.max(1, Math.floor(deadlineMs - (performance.now() - t0)));
      return opts.diagnose(target, { ...(module.areas ? { only: module.areas } : {}), timeoutMs: remaining, signal });
    });
    if (joined) self.joined.inc({ module: moduleName });
    let report: Report | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      // The answer is due at the deadline whatever the checks do: late means undecided, never stale.
      report = await Promise.race([
        promise,
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), deadlineMs);
        }),
      ]);
    } catch (e) {
      if (e instanceof RequestError) throw e;
      if (!(e instanceof QueueDeadlineError)) {
        self.errors.inc({ module: moduleName });
        opts.onProbeError?.(e, { target: name, module: moduleName });
      }
      report = undefined;
    } finally {
      clearTimeout(timer);
      if (!joined)
        void promise.then(
          () => clearTimeout(deadlineTimer),
          () => clearTimeout(deadlineTimer),
        );
      else clearTimeout(deadlineTimer);
    }
    const durationSeconds = (performance.now() - t0) / 1000;
    const samples = probeSamples({ ...(report ? { report } : {}), durationSeconds });
    const value = (n: string): number | undefined => samples.find((s) => s.name === n)?.value;
    const result: ProbeResult =
      value('probe_success') === 1 ? 'success' : value('cms_doctor_probe_undecided') === 1 ? 'undecided' : 'failure';
    self.probes.inc({ module: moduleName, result });
    self.duration.observe({ module: moduleName }, durationSeconds);
    return { samples, result, joined };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://exporter.invalid');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'only GET\n');
    if (url.pathname === '/metrics') {
      const m = await self.registry.metrics();
      return send(res, 200, m, self.registry.contentType);
    }
    if (url.pathname === '/') return send(res, 200, INDEX);
    if (url.pathname !== '/probe') return send(res, 404, 'not found: use /probe or /metrics\n');
    const target = url.searchParams.get('target');
    const module = url.searchParams.get('module') ?? 'full';
    const address = url.searchParams.get('address') ?? undefined;
    try {
      if (!target) throw new RequestError(400, 'missing-target', 'target parameter is missing');
      const deadlineMs = probeDeadlineMs(req.headers[SCRAPE_TIMEOUT_HEADER], {
        ...deadlineOpts,
        defaultSeconds: modules.get(module)?.timeoutSeconds ?? deadlineOpts.defaultSeconds,
      });
      const answer = await probe(target, module, deadlineMs, address);
      const text = await renderSamples(answer.samples);
      return send(res, 200, text.body, text.contentType);
    } catch (e) {
      if (e instanceof RequestError) {
        self.refused.inc({ reason: e.reason });
        return send(res, e.status, `${e.message}\n`);
      }
      throw e;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  });

  return {
    server,
    probe,
    selfMetrics: async () => ({ contentType: self.registry.contentType, body: await self.registry.metrics() }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        if (!server.listening) resolve();
      }),
  };
}

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

const INDEX = `cms-doctor exporter
GET /probe?target=<deployment>&module=<turn|cert|dns|cms|full>[&address=<ip>]  probe one inventory deployment
GET /metrics                                                                  the exporter's own metrics
`;
