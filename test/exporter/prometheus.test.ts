/**
 * The exporter under a real Prometheus: Debian's `prometheus` scrapes `cms-doctor serve`
 * (spawned as a user runs it), which probes two lab deployments (healthy, and TURN with
 * a wrong password). Results are read back through Prometheus' HTTP API, and the shipped
 * alert rules (docs/examples/cms-doctor-alerts.yml, `for:` shortened) are evaluated by it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startLab, type Lab } from '@cms-doctor/lab';
import { hasPeer } from '../helpers/peers.js';
import { freePort, spawnServe, stopChild, waitFor, writeInventory, type Served } from './helpers.js';

const ROOT = join(import.meta.dirname, '../..');
const HAVE = hasPeer('prometheus') && hasPeer('promtool');

interface Vector {
  metric: Record<string, string>;
  value: [number, string];
}

describe.skipIf(!HAVE)('cms-doctor serve scraped by Prometheus', () => {
  let dir = '';
  const labs: Lab[] = [];
  let served: Served | undefined;
  let prom: ChildProcess | undefined;
  let promUrl = '';

  const query = async (q: string): Promise<Vector[]> => {
    const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = (await r.json()) as { status: string; data: { result: Vector[] } };
    if (body.status !== 'success') throw new Error(`query ${q}: ${JSON.stringify(body)}`);
    return body.data.result;
  };
  const valueOf = (v: Vector[], instance: string): number | undefined => {
    const hit = v.find((x) => x.metric.instance === instance);
    return hit ? Number(hit.value[1]) : undefined;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cms-doctor-prom-'));
    const healthy = await startLab({ scenario: 'healthy', dir: join(dir, 'healthy') });
    labs.push(healthy);
    const broken = await startLab({ scenario: 'turn-wrong-password', dir: join(dir, 'broken') });
    labs.push(broken);
    const split = await startLab({ scenario: 'dns-internal-points-to-edge', dir: join(dir, 'split') });
    labs.push(split);
    const inventory = await writeInventory(dir, { healthy: healthy.config, broken: broken.config, split: split.config });
    served = await spawnServe(['--inventory', inventory, '--concurrency', '4']);

    // The shipped rules with `for:` shortened so the test sees them fire.
    const rules = (await readFile(join(ROOT, 'docs/examples/cms-doctor-alerts.yml'), 'utf8')).replace(/for: \d+[smh]/g, 'for: 1s');
    await writeFile(join(dir, 'alerts.yml'), rules);
    const exporterAddress = served.url.replace('http://', '');
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: ['alerts.yml'],
      scrape_configs: [
        {
          job_name: 'cms-doctor-turn',
          metrics_path: '/probe',
          params: { module: ['turn'] },
          scrape_interval: '2s',
          scrape_timeout: '2s',
          static_configs: [{ targets: ['healthy', 'broken'] }],
          relabel_configs: [
            { source_labels: ['__address__'], target_label: '__param_target' },
            { source_labels: ['__param_target'], target_label: 'instance' },
            { target_label: '__address__', replacement: exporterAddress },
          ],
        },
        {
          job_name: 'cms-doctor-dns',
          metrics_path: '/probe',
          params: { module: ['dns'] },
          scrape_interval: '2s',
          scrape_timeout: '2s',
          static_configs: [{ targets: ['healthy', 'split'] }],
          relabel_configs: [
            { source_labels: ['__address__'], target_label: '__param_target' },
            { source_labels: ['__param_target'], target_label: 'instance' },
            { target_label: '__address__', replacement: exporterAddress },
          ],
        },
        { job_name: 'cms-doctor-exporter', static_configs: [{ targets: [exporterAddress] }] },
      ],
    };
    await writeFile(join(dir, 'prometheus.yml'), stringify(config));
    const check = spawnSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);

    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prom = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    await waitFor('Prometheus ready', 20_000, async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined));
  }, 60_000);

  afterAll(async () => {
    if (prom) await stopChild(prom);
    await served?.stop();
    await Promise.all(labs.map((l) => l.close()));
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('healthy -> probe_success 1; wrong TURN password -> 0 with STUN 431 per transport', async () => {
    await waitFor('probe_success 1 for healthy and 0 for broken', 40_000, async () => {
      const v = await query('max_over_time(probe_success[30s])');
      return valueOf(v, 'healthy') === 1 && valueOf(v, 'broken') === 0 ? true : undefined;
    });
    const codes = await waitFor('431 for broken', 20_000, async () => {
      const v = await query('cms_doctor_turn_error_code{instance="broken"}');
      return v.length ? v : undefined;
    });
    expect(codes.map((c) => Number(c.value[1]))).toContain(431);
    expect(codes.map((c) => c.metric.transport).sort()).toEqual(expect.arrayContaining(['udp']));
    // A decided failure is not "undecided".
    const undecided = await query('min_over_time(cms_doctor_probe_undecided{instance="broken"}[30s])');
    expect(valueOf(undecided, 'broken')).toBe(0);
    const healthyCode = await query('cms_doctor_turn_error_code{instance="healthy"}');
    expect(healthyCode.every((c) => c.value[1] === '0')).toBe(true);
  }, 90_000);

  it('the shipped TURN credentials alert fires for the broken deployment only', async () => {
    const alerts = await waitFor('CmsDoctorTurnCredentialsRejected firing', 40_000, async () => {
      const r = await fetch(`${promUrl}/api/v1/alerts`);
      const body = (await r.json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
      const firing = body.data.alerts.filter((a) => a.labels.alertname === 'CmsDoctorTurnCredentialsRejected' && a.state === 'firing');
      return firing.length ? firing : undefined;
    });
    expect(new Set(alerts.map((a) => a.labels.instance))).toEqual(new Set(['broken']));
  }, 60_000);

  it('the shipped split-horizon alert fires for the deployment whose internal view answers the Expressway-E', async () => {
    const v = await waitFor('dns view metrics', 30_000, async () => {
      const r = await query('cms_doctor_dns_view_expected{job="cms-doctor-dns"}');
      return r.length >= 4 ? r : undefined;
    });
    const of = (instance: string, view: string) => v.find((x) => x.metric.instance === instance && x.metric.view === view)?.value[1];
    expect([of('healthy', 'internal'), of('healthy', 'external'), of('split', 'internal'), of('split', 'external')]).toEqual([
      '1',
      '1',
      '0',
      '1',
    ]);
    const alerts = await waitFor('CmsDoctorSplitHorizonBroken firing', 40_000, async () => {
      const r = await fetch(`${promUrl}/api/v1/alerts`);
      const body = (await r.json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
      const firing = body.data.alerts.filter((a) => a.labels.alertname === 'CmsDoctorSplitHorizonBroken' && a.state === 'firing');
      return firing.length ? firing : undefined;
    });
    expect(alerts.map((a) => [a.labels.instance, a.labels.view])).toEqual([['split', 'internal']]);
    // Nothing but the undecided rule may ever concern the healthy deployment.
    const all = (await (await fetch(`${promUrl}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string> }[] } };
    expect(all.data.alerts.filter((a) => a.labels.instance === 'healthy' && a.labels.alertname !== 'CmsDoctorProbeUndecided')).toEqual([]);
  }, 60_000);

  it("Prometheus scrapes the exporter's own metrics", async () => {
    const v = await waitFor('probes_total', 20_000, async () => {
      const r = await query('sum by (result) (cms_doctor_exporter_probes_total{job="cms-doctor-exporter"})');
      return r.length ? r : undefined;
    });
    expect(v.map((x) => x.metric.result)).toEqual(expect.arrayContaining(['failure']));
    const inFlight = await query('cms_doctor_exporter_probes_in_flight');
    expect(inFlight.length).toBe(1);
  });
});

describe.skipIf(!HAVE)('shipped examples', () => {
  it('promtool accepts the alert rules and the scrape config', () => {
    const rules = spawnSync('promtool', ['check', 'rules', join(ROOT, 'docs/examples/cms-doctor-alerts.yml')], { encoding: 'utf8' });
    expect(rules.status, rules.stdout + rules.stderr).toBe(0);
    const config = spawnSync('promtool', ['check', 'config', join(ROOT, 'docs/examples/prometheus.yml')], { encoding: 'utf8' });
    expect(config.status, config.stdout + config.stderr).toBe(0);
  });
});
