import { STATUSES, type Evidence, type Finding, type Report } from '@cms-doctor/core';

/** One sample of a probe's answer. Label values are ids, codes, transports, views or addresses: never free text. */
export interface Sample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** Help text and label names of every metric a probe can answer with. */
export const PROBE_METRICS = {
  probe_success: { help: 'Whether the probe decided that the deployment is healthy (1) or not (0)', labels: [] },
  probe_duration_seconds: { help: 'How long the probe took in seconds', labels: [] },
  cms_doctor_probe_undecided: {
    help: 'The probe could not decide within its deadline or a check could not decide (1): probe_success 0 then means unknown, not down',
    labels: [],
  },
  cms_doctor_check_status: { help: 'Status of each check: 1 for its current status, 0 for the others', labels: ['check', 'status'] },
  cms_doctor_findings: { help: 'Number of findings per check, outcome code and status', labels: ['check', 'code', 'status'] },
  cms_doctor_turn_error_code: {
    help: 'STUN error code of the TURN Allocate per transport (e.g. 431, 401); 0 when the allocation succeeded',
    labels: ['transport'],
  },
  cms_doctor_turn_allocate_seconds: {
    help: 'Time of a successful TURN Allocate exchange per transport, in seconds',
    labels: ['transport'],
  },
  cms_doctor_turn_media_rtt_seconds: { help: 'Round trip of a test datagram through the TURN relay, in seconds', labels: [] },
  cms_doctor_cert_expiry_timestamp_seconds: {
    help: 'notAfter of the leaf certificate each endpoint presented, as a Unix timestamp',
    labels: ['check', 'endpoint'],
  },
  cms_doctor_dns_view_expected: {
    help: 'Whether the DNS view answered the expected address for the web bridge name (1) or not (0)',
    labels: ['view'],
  },
  cms_doctor_cms_alarms: { help: 'Number of active alarms the CMS API reports', labels: [] },
} as const satisfies Record<string, { help: string; labels: readonly string[] }>;

export type ProbeMetricName = keyof typeof PROBE_METRICS;

export interface ProbeOutcome {
  /** The report, or undefined when the probe gave no report within its deadline. */
  report?: Report;
  durationSeconds: number;
}

/** Statuses that mean "the check itself could not decide". */
const UNDECIDED = new Set(['error']);

/**
 * Turns a probe's report into samples. probe_success is 1 only on positive
 * evidence: at least one pass, no fail, no error. A report with a fail is decided
 * (down); one whose worst is `error` (or no report at all) is undecided.
 */
export function probeSamples(outcome: ProbeOutcome): Sample[] {
  const { report } = outcome;
  const s: Sample[] = [];
  const add = (name: ProbeMetricName, value: number, labels: Record<string, string> = {}): void => {
    s.push({ name, labels, value });
  };
  if (!report) {
    add('probe_success', 0);
    add('probe_duration_seconds', outcome.durationSeconds);
    add('cms_doctor_probe_undecided', 1);
    return s;
  }
  const failed = report.findings.some((f) => f.status === 'fail');
  const undecided = !failed && report.findings.some((f) => UNDECIDED.has(f.status));
  const passed = report.findings.some((f) => f.status === 'pass');
  add('probe_success', !failed && !undecided && passed ? 1 : 0);
  add('probe_duration_seconds', outcome.durationSeconds);
  // Nothing passed and nothing failed (all skipped): that is no evidence either way.
  add('cms_doctor_probe_undecided', undecided || (!failed && !passed) ? 1 : 0);
  for (const c of report.checks)
    for (const st of STATUSES) add('cms_doctor_check_status', c.status === st ? 1 : 0, { check: c.id, status: st });
  const counts = new Map<string, { check: string; code: string; status: string; n: number }>();
  for (const f of report.findings) {
    const key = `${f.check}\u0000${f.code}\u0000${f.status}`;
    const entry = counts.get(key) ?? { check: f.check, code: f.code, status: f.status, n: 0 };
    entry.n += 1;
    counts.set(key, entry);
  }
  for (const e of counts.values()) add('cms_doctor_findings', e.n, { check: e.check, code: e.code, status: e.status });
  turnSamples(report.findings, add);
  certSamples(report.findings, add);
  dnsSamples(report.findings, add);
  alarmSamples(report, add);
  return s;
}

type Add = (name: ProbeMetricName, value: number, labels?: Record<string, string>) => void;

const evidenceOf = (f: Finding, kind: string): Evidence[] => f.evidence.filter((e) => e.kind === kind);
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const TRANSPORTS = new Set(['udp', 'tcp', 'tls']);

function turnSamples(findings: readonly Finding[], add: Add): void {
  const codes = new Map<string, number>();
  for (const f of findings.filter((x) => x.check === 'turn.allocate')) {
    for (const e of evidenceOf(f, 'turn-probe')) {
      const transport = String(e.transport);
      if (!TRANSPORTS.has(transport)) continue;
      if (e.outcome === 'allocated') {
        if (!codes.has(transport)) codes.set(transport, 0);
        const ms = num(e.durationMs);
        if (ms !== undefined) add('cms_doctor_turn_allocate_seconds', ms / 1000, { transport });
      } else if (num(e.code) !== undefined) codes.set(transport, e.code as number);
    }
  }
  for (const [transport, code] of codes) add('cms_doctor_turn_error_code', code, { transport });
  for (const f of findings.filter((x) => x.check === 'turn.media-path'))
    for (const e of evidenceOf(f, 'media-path')) {
      const ms = num(e.rttMs);
      if (e.outcome === 'returned' && ms !== undefined) add('cms_doctor_turn_media_rtt_seconds', ms / 1000);
    }
}

function certSamples(findings: readonly Finding[], add: Add): void {
  const seen = new Set<string>();
  for (const f of findings.filter((x) => x.check.startsWith('cert.'))) {
    const endpoint = evidenceOf(f, 'tls-endpoint')[0]?.address;
    const leaf = evidenceOf(f, 'certificate').find((e) => e.position === 0);
    if (typeof endpoint !== 'string' || !leaf || typeof leaf.notAfter !== 'string') continue;
    const t = Date.parse(leaf.notAfter);
    const key = `${f.check} ${endpoint}`;
    if (Number.isNaN(t) || seen.has(key)) continue;
    seen.add(key);
    add('cms_doctor_cert_expiry_timestamp_seconds', t / 1000, { check: f.check, endpoint });
  }
}

/** Per view: 1 when every decided web bridge lookup of that view passed, 0 when one failed or warned. */
function dnsSamples(findings: readonly Finding[], add: Add): void {
  const views = new Map<string, number>();
  for (const f of findings.filter((x) => x.check === 'dns.webbridge')) {
    const decided = f.status === 'pass' ? 1 : f.status === 'fail' || f.status === 'warn' ? 0 : undefined;
    if (decided === undefined) continue;
    for (const e of evidenceOf(f, 'dns-lookup')) {
      if (e.view !== 'internal' && e.view !== 'external') continue;
      views.set(e.view, Math.min(views.get(e.view) ?? 1, decided));
    }
  }
  for (const [view, ok] of views) add('cms_doctor_dns_view_expected', ok, { view });
}

/** Only when the alarms check decided: an undecided check must not read as "0 alarms". */
function alarmSamples(report: Report, add: Add): void {
  const record = report.checks.find((c) => c.id === 'cms.alarms');
  if (!record || !['pass', 'warn', 'fail', 'info'].includes(record.status)) return;
  const alarms = report.findings.filter((f) => f.check === 'cms.alarms' && f.evidence.some((e) => e.kind === 'cms-alarm')).length;
  add('cms_doctor_cms_alarms', alarms);
}
