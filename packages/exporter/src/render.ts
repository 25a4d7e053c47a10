import { Gauge, Registry } from 'prom-client';
import { PROBE_METRICS, type ProbeMetricName, type Sample } from './probe-metrics.js';

/** The samples of one probe in the Prometheus text format, through a registry of their own (blackbox style). */
export async function renderSamples(samples: readonly Sample[]): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const gauges = new Map<string, Gauge>();
  for (const s of samples) {
    let g = gauges.get(s.name);
    if (!g) {
      const def = PROBE_METRICS[s.name as ProbeMetricName];
      g = new Gauge({ name: s.name, help: def.help, labelNames: [...def.labels], registers: [registry] });
      gauges.set(s.name, g);
    }
    g.set(s.labels, s.value);
  }
  return { contentType: registry.contentType, body: await registry.metrics() };
}
