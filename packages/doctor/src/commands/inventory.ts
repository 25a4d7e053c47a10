import { dirname, resolve } from 'node:path';
import { CmsDoctorError, exitCodeFor, type Area, type Report } from '@cms-doctor/core';
import { MAX_INVENTORY_BYTES, loadYaml, normaliseKeys, resolvePaths } from '../config.js';
import { validateConfig } from '../option-schema.js';
import { buildTarget, mergeSources } from '../target.js';
import { diagnoseLive } from '../diagnose.js';
import { loadCatalogue } from '../catalogue.js';
import { redactReports, renderJson, renderJunit, renderMarkdown, renderText } from '../render/index.js';
import { printableReport } from '../render/printable.js';
import { withTransportWarnings } from '../render/clear-text.js';
import { useColor, type CliIo } from '../io.js';
import { ExitError } from '../exit.js';
import { writeRedactionMap, type GlobalArgs } from './common.js';

/** Deployments at once when no flag, CMS_DOCTOR_CONCURRENCY or config key says. */
export const DEFAULT_CONCURRENCY = 4;

interface Deployment {
  name: string;
  values: Record<string, unknown>;
}

export async function readInventory(path: string): Promise<Deployment[]> {
  const doc = await loadYaml(path, MAX_INVENTORY_BYTES);
  const list = Array.isArray(doc) ? doc : (doc as { deployments?: unknown } | null)?.deployments;
  if (!Array.isArray(list))
    throw new CmsDoctorError('CMSD_CONFIG_INVALID', `${path} must be a YAML list of deployments (each a name plus config keys)`);
  return list.map((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item))
      throw new CmsDoctorError('CMSD_CONFIG_INVALID', `${path}: entry ${i + 1} is not a mapping`);
    const values = resolvePaths(
      validateConfig(normaliseKeys(item as Record<string, unknown>), `${path} entry ${i + 1}`, ['name']),
      dirname(resolve(path)),
    );
    const name = typeof values.name === 'string' ? values.name : `deployment-${i + 1}`;
    return { name, values };
  });
}

/** Runs `fn` over items with at most `limit` in flight; results keep input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export async function runInventory(path: string, argv: GlobalArgs & Record<string, unknown>, io: CliIo, only?: Area[]): Promise<never> {
  const deployments = await readInventory(path);
  const concurrency = Number(argv.concurrency ?? DEFAULT_CONCURRENCY);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
    throw new ExitError(2, '--concurrency must be a whole number from 1 to 256');
  // One HTML page draws one deployment; a fleet is a table (text, markdown) or data (json, junit).
  if (argv.format === 'html')
    throw new ExitError(2, '--format html draws one deployment; for --inventory use text, markdown, json or junit');
  // Secrets for a fleet come from files or variables only: no prompts mid-run.
  const targets = await Promise.all(
    deployments.map(async (d) => ({
      name: d.name,
      target: await buildTarget(mergeSources({}, io.env, d.values), io.env, { interactive: false, prompt: async () => '' }),
    })),
  );
  const missing = targets.find((t) => !t.target.external);
  if (missing) throw new ExitError(2, `${path}: deployment "${missing.name}" has no external name`);
  // Loaded once, not once per deployment: under load that work stretched every deadline.
  const catalogue = await loadCatalogue();
  const diagnosed = await mapBounded(targets, concurrency, async ({ name, target }) => {
    // The deadline is a promise about wall time from when a deployment is admitted.
    const timeoutMs = argv.timeout * 1000;
    const report = await diagnoseLive(target, {
      timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
      catalogue,
      ...(only ? { only } : {}),
    });
    report.target = withTransportWarnings({ name, ...report.target });
    return report;
  });
  // --redact: one mapping across the fleet, so a shared name has one token in every report.
  const redacted = argv.redact || argv['redact-map'] ? redactReports(diagnosed) : undefined;
  if (redacted && argv['redact-map']) writeRedactionMap(argv['redact-map'], redacted.map);
  const reports = redacted?.reports ?? diagnosed;
  const color = argv.format === 'text' && useColor(io, argv.color);
  if (argv.format === 'json') io.stdout(renderJson(reports));
  else if (argv.format === 'junit') io.stdout(renderJunit(reports));
  else {
    // Text and Markdown reach terminals: every string from outside is made printable.
    const shown = reports.map(printableReport);
    for (const r of shown)
      io.stdout((argv.format === 'markdown' ? renderMarkdown(r) : renderText(r, { color, verbose: argv.verbose ?? false })) + '\n');
    io.stdout(summaryTable(shown));
  }
  const codes = reports.map(exitCodeFor);
  throw new ExitError(codes.includes(1) ? 1 : codes.includes(3) ? 3 : 0);
}

export function summaryTable(reports: readonly Report[]): string {
  const rows = reports.map((r) => [
    String(r.target.name),
    String(r.target.external ?? ''),
    String(r.summary.fail),
    String(r.summary.warn),
    String(r.summary.error),
    `${r.durationMs} ms`,
    r.findings
      .filter((f) => f.status === 'fail')
      .map((f) => f.code)
      .filter((c, i, a) => a.indexOf(c) === i)
      .join(' '),
  ]);
  const head = ['deployment', 'external', 'fail', 'warn', 'error', 'time', 'failing codes'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
