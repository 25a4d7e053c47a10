export { createExporter, type Exporter, type ExporterOptions, type DiagnoseFn, type TargetSource, type ProbeAnswer } from './exporter.js';
export { DEFAULT_MODULES, parseModules, type ProbeModule } from './modules.js';
export { probeDeadlineMs, SCRAPE_TIMEOUT_HEADER, MIN_DEADLINE_MS, type DeadlineOptions } from './deadline.js';
export { probeSamples, PROBE_METRICS, type Sample, type ProbeOutcome, type ProbeMetricName } from './probe-metrics.js';
export { renderSamples } from './render.js';
export { ProbeScheduler, QueueDeadlineError } from './scheduler.js';
export { pinAddress, edgeAddresses, splitHostPort, type ResolveAll } from './address.js';
