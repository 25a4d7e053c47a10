import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type ProbeResult = 'success' | 'failure' | 'undecided';

/** The exporter's own metrics (GET /metrics); labels are module names and fixed reasons only. */
export function createSelfMetrics(state: { active: () => number; waiting: () => number }): {
  registry: Registry;
  probes: Counter<'module' | 'result'>;
  duration: Histogram<'module'>;
  errors: Counter<'module'>;
  joined: Counter<'module'>;
  refused: Counter<'reason'>;
} {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'cms_doctor_exporter_probes_in_flight',
    help: 'Probes running now',
    registers: [registry],
    collect() {
      this.set(state.active());
    },
  });
  new Gauge({
    name: 'cms_doctor_exporter_probes_queued',
    help: 'Probes waiting for a free slot (--concurrency)',
    registers: [registry],
    collect() {
      this.set(state.waiting());
    },
  });
  return {
    registry,
    probes: new Counter({
      name: 'cms_doctor_exporter_probes_total',
      help: 'Probes answered, by module and result (success, failure, undecided)',
      labelNames: ['module', 'result'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'cms_doctor_exporter_probe_duration_seconds',
      help: 'Time to answer a probe request, in seconds',
      labelNames: ['module'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'cms_doctor_exporter_probe_errors_total',
      help: 'Probes whose run failed with an internal error (answered as undecided)',
      labelNames: ['module'],
      registers: [registry],
    }),
    joined: new Counter({
      name: 'cms_doctor_exporter_probes_joined_total',
      help: 'Probe requests that joined a probe of the same target and module already in flight',
      labelNames: ['module'],
      registers: [registry],
    }),
    refused: new Counter({
      name: 'cms_doctor_exporter_requests_refused_total',
      help: 'Requests refused without probing, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
}
