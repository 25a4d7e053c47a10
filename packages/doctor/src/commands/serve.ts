import { isIP } from 'node:net';
import type { CommandModule } from 'yargs';
import { describeError, type Target } from '@cms-doctor/core';
import { loadYaml } from '../config.js';
import { buildTarget, mergeSources } from '../target.js';
import { diagnoseLive } from '../diagnose.js';
import { loadCatalogue } from '../catalogue.js';
import type { CliIo } from '../io.js';
import { ExitError } from '../exit.js';
import { readInventory } from './inventory.js';

interface ServeArgs {
  listen: string;
  inventory: string;
  modules?: string;
  concurrency: number;
  'timeout-offset': number;
  timeout: number;
  for?: number;
}

/** `ip:port` or `[v6]:port`; the host must be an address so "loopback" is never a guess. */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:[\]]+):(\d+)$/.exec(value);
  const host = m?.[1];
  const port = Number(m?.[2]);
  if (!host || !isIP(host) || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new ExitError(2, `--listen takes ip:port or [ipv6]:port, e.g. 127.0.0.1:9469; not "${value}"`);
  return { host, port };
}

const isLoopback = (host: string): boolean => host === '::1' || host.startsWith('127.');

export const serveCommand = (io: CliIo): CommandModule => ({
  command: 'serve',
  describe: 'Prometheus exporter (blackbox style): GET /probe?target=<deployment>&module=<m> runs checks, GET /metrics',
  builder: (y) =>
    y
      .option('listen', {
        type: 'string',
        default: '127.0.0.1:9469',
        describe: 'Address to listen on, ip:port (loopback unless you say otherwise)',
      })
      .option('inventory', {
        type: 'string',
        demandOption: true,
        describe: 'YAML list of deployments (name plus target keys); only these can be probed',
      })
      .option('modules', {
        type: 'string',
        describe: 'YAML of modules: { <name>: { areas: [..], timeout: <s> } } added to turn, cert, dns, cms, full',
      })
      .option('concurrency', { type: 'number', default: 4, describe: 'Probes run at once; a probe of a target+module in flight is joined' })
      .option('timeout-offset', { type: 'number', default: 0.5, describe: "Seconds kept back from Prometheus' scrape timeout" })
      .option('timeout', { type: 'number', default: 10, describe: 'Probe deadline in seconds when the scrape sends no timeout header' })
      .option('for', { type: 'number', describe: 'Stop after this many seconds (default: until Ctrl-C)' })
      .example('$0 serve --inventory fleet.yaml', 'listen on 127.0.0.1:9469')
      .example('curl "http://127.0.0.1:9469/probe?target=prod&module=turn"', 'one probe by hand'),
  handler: async (raw) => {
    const argv = raw as unknown as ServeArgs;
    const { host, port } = parseListen(argv.listen);
    if (!Number.isInteger(argv.concurrency) || argv.concurrency < 1) throw new ExitError(2, '--concurrency must be a positive integer');
    if (!(argv['timeout-offset'] >= 0)) throw new ExitError(2, '--timeout-offset must be zero or more seconds');
    if (!(argv.timeout > 0)) throw new ExitError(2, '--timeout must be a positive number of seconds');
    // The exporter (prom-client, OpenTelemetry) loads only for `serve`, not for every command's parse.
    const { createExporter, parseModules, DEFAULT_MODULES } = await import('@cms-doctor/exporter');
    const deployments = await readInventory(argv.inventory);
    // Modules from the inventory file (when it is a mapping with `modules:`), then --modules.
    const inventoryDoc = await loadYaml(argv.inventory);
    let modules = Array.isArray(inventoryDoc)
      ? DEFAULT_MODULES
      : parseModules((inventoryDoc as { modules?: unknown } | null)?.modules, argv.inventory);
    if (argv.modules) modules = parseModules(await loadYaml(argv.modules), argv.modules, modules);
    // Secrets come from files or variables only (no prompts in a service); re-read at each probe so a rotated password file applies.
    const build = (values: Record<string, unknown>) => (): Promise<Target> =>
      buildTarget(mergeSources({}, io.env, values), io.env, { interactive: false, prompt: async () => '' });
    const sources = new Map<string, () => Promise<Target>>();
    for (const d of deployments) {
      if (sources.has(d.name)) throw new ExitError(2, `${argv.inventory}: deployment "${d.name}" appears twice`);
      const source = build(d.values);
      const target = await source();
      if (!target.external) throw new ExitError(2, `${argv.inventory}: deployment "${d.name}" has no external name`);
      sources.set(d.name, source);
    }
    const catalogue = await loadCatalogue();
    const exporter = createExporter({
      deployments: sources,
      modules,
      concurrency: argv.concurrency,
      timeoutOffsetSeconds: argv['timeout-offset'],
      defaultTimeoutSeconds: argv.timeout,
      // The exporter's signal carries the same deadline as timeoutMs; it is not handed on because
      // diagnoseLive joins it with AbortSignal.any, which on Node 20 retains every joined signal
      // (measured: heap +4 KB per probe). timeoutMs alone bounds the run.
      diagnose: (target, { signal: _signal, ...o }) => diagnoseLive(target, { ...o, catalogue }),
      onProbeError: (e, c) => io.stderr(`cms-doctor serve: probe of ${c.target} (${c.module}) failed: ${describeError(e)}\n`),
    });
    await new Promise<void>((resolve, reject) => {
      exporter.server.once('error', reject);
      exporter.server.listen(port, host, () => resolve());
    }).catch((e: NodeJS.ErrnoException) => {
      throw new ExitError(2, `cannot listen on ${argv.listen}: ${e.code ?? e.message}`);
    });
    const addr = exporter.server.address();
    const shown =
      typeof addr === 'object' && addr ? `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}` : argv.listen;
    if (!isLoopback(host)) io.stderr(`cms-doctor serve: listening on ${shown}, reachable from the network; restrict it with a firewall.\n`);
    io.stdout(
      `cms-doctor exporter on http://${shown}/ (${sources.size} deployments; modules ${[...modules.keys()].join(', ')})\n` +
        `  /probe?target=<deployment>&module=<module>   /metrics\nStop with Ctrl-C.\n`,
    );
    await new Promise<void>((done) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        done();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (argv.for !== undefined) setTimeout(stop, argv.for * 1000).unref();
    });
    await exporter.close();
  },
});
