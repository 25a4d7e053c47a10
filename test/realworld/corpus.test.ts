/**
 * The measured corpus of issue 12: real files nobody on this project wrote (fixtures/realworld,
 * sources in its PROVENANCE.md), each with the diagnosis a careful reading of the file expects
 * (manifest.json). Triage runs on every file, in-process, and the test prints how many
 * expectations the readers meet and a table per file.
 *
 * Readers are being fixed while this corpus grows, so a miss does not fail the test when the
 * entry carries `knownMiss` (the reason). The test fails when a file without `knownMiss` misses,
 * when triage crashes or exceeds its time on any file, or when a `knownMiss` entry now meets
 * everything (remove the mark so the win is kept).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '@cms-doctor/doctor';
import { runCli, type CliResult } from '../helpers/cli.js';

const CORPUS = fileURLToPath(new URL('../../fixtures/realworld', import.meta.url));
const PER_FILE_MS = 25_000;

interface MustMatch {
  code: string;
  /** Regular expression the finding's detail must match. */
  detail: string;
}

interface Entry {
  file: string;
  format?: string;
  note?: string;
  /** Exact kind, or a pattern with `*` (e.g. `cms-mmp-*`). */
  kind?: string;
  /** Recognised by a reader of this area, whatever the kind's name. */
  area?: string;
  kindNot?: string[];
  /** `code` (any status) or `code:status`. */
  mustInclude?: string[];
  mustNotInclude?: string[];
  mustMatch?: MustMatch[];
  /** At least one warn or fail finding (the file shows a fault whose code is not settled yet). */
  problem?: boolean;
  /** Reason no problem (warn, fail, error) is expected. */
  outOfScope?: string;
  /** Text that must never appear in the report (secrets in the input). */
  outputMustNotContain?: string[];
  /** Extra target options, only where the file's own source names the deployment. */
  options?: string[];
  /** The certificate's notAfter: once past, a "not cert/expired" expectation no longer holds. */
  notAfter?: string;
  knownMiss?: string;
}

interface Manifest {
  entries: Entry[];
}

interface Finding {
  code: string;
  status: string;
  detail?: string;
}

interface Report {
  files: { path: string; kind: string; reason?: string }[];
  findings: Finding[];
}

interface Outcome {
  name: string;
  met: boolean;
}

interface FileResult {
  entry: Entry;
  kind: string;
  outcomes: Outcome[];
  crash?: string;
}

const manifest = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as Manifest;

const globToRegExp = (glob: string): RegExp => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** `code` matches any status, `code:status` only that status. */
function matchesCode(spec: string, f: Finding): boolean {
  const [code, status] = spec.split(':');
  return f.code === code && (status === undefined || f.status === status);
}

const PROBLEM = new Set(['warn', 'fail']);

/** Every expectation of an entry, judged against one triage report. Pure, so the table and the assertions agree. */
function judge(entry: Entry, report: Report, stdout: string, kindsOfArea: Map<string, Set<string>>, now: Date): Outcome[] {
  const kind = report.files[0]?.kind ?? '(none)';
  const findings = report.findings.filter((f) => f.code !== 'triage/files');
  const out: Outcome[] = [];
  if (entry.kind !== undefined) out.push({ name: `kind ${entry.kind}`, met: globToRegExp(entry.kind).test(kind) });
  if (entry.area !== undefined)
    out.push({ name: `read by the ${entry.area} readers`, met: kindsOfArea.get(entry.area)?.has(kind) ?? false });
  for (const k of entry.kindNot ?? []) out.push({ name: `kind not ${k}`, met: kind !== k });
  for (const c of entry.mustInclude ?? []) out.push({ name: `has ${c}`, met: findings.some((f) => matchesCode(c, f)) });
  const expired = entry.notAfter !== undefined && now > new Date(entry.notAfter);
  for (const c of entry.mustNotInclude ?? []) {
    if (c === 'cert/expired' && expired) continue;
    out.push({ name: `no ${c}`, met: !findings.some((f) => matchesCode(c, f)) });
  }
  for (const m of entry.mustMatch ?? []) {
    const re = new RegExp(m.detail);
    out.push({ name: `${m.code} ~ /${m.detail}/`, met: findings.some((f) => f.code === m.code && re.test(f.detail ?? '')) });
  }
  if (entry.problem === true) out.push({ name: 'a warn or fail finding', met: findings.some((f) => PROBLEM.has(f.status)) });
  if (entry.outOfScope !== undefined)
    out.push({ name: 'no warn/fail/error', met: !findings.some((f) => PROBLEM.has(f.status) || f.status === 'error') });
  for (const s of entry.outputMustNotContain ?? []) out.push({ name: 'secret not echoed', met: !stdout.includes(s) });
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** Runs triage on one file; a crash (exception, internal error, usage error, unparsable JSON, timeout) is returned, not thrown. */
async function triage(entry: Entry): Promise<{ result?: CliResult; report?: Report; crash?: string }> {
  const path = join(CORPUS, entry.file);
  try {
    const result = await withTimeout(
      runCli(['triage', path, '--format', 'json', ...(entry.options ?? [])]),
      PER_FILE_MS,
      `triage ${entry.file}`,
    );
    // Exit 3 with a report means a check could not decide (judged by the expectations); an
    // internal error or no report at all is a crash.
    if (result.code === 2 || /internal error/.test(result.stderr))
      return { result, crash: `exit ${result.code}: ${result.stderr.trim().slice(0, 200)}` };
    return { result, report: JSON.parse(result.stdout) as Report };
  } catch (e) {
    return { crash: e instanceof Error ? e.message : String(e) };
  }
}

function areaKinds(recognisers: readonly { kind: string; area: string }[]): Map<string, Set<string>> {
  const byArea = new Map<string, Set<string>>();
  for (const r of recognisers) {
    const set = byArea.get(r.area) ?? new Set<string>();
    set.add(r.kind);
    byArea.set(r.area, set);
  }
  return byArea;
}

function table(results: FileResult[]): string {
  const rows = results.map((r) => {
    const met = r.outcomes.filter((o) => o.met).length;
    const missed = r.outcomes.filter((o) => !o.met).map((o) => o.name);
    const status = r.crash ? 'CRASH' : missed.length === 0 ? 'ok' : r.entry.knownMiss ? 'known miss' : 'MISS';
    const why = r.crash ?? (missed.length ? `${missed.join('; ')}${r.entry.knownMiss ? ` (${r.entry.knownMiss})` : ''}` : '');
    return `${status.padEnd(10)} ${`${met}/${r.outcomes.length}`.padStart(5)}  ${r.entry.file.padEnd(82)} ${r.kind.padEnd(20)} ${why}`;
  });
  return [`${'status'.padEnd(10)} ${'met'.padStart(5)}  ${'file'.padEnd(82)} ${'kind'.padEnd(20)} missed`, ...rows].join('\n');
}

describe('realworld corpus (fixtures/realworld)', () => {
  const results: FileResult[] = [];
  let kindsOfArea = new Map<string, Set<string>>();

  beforeAll(async () => {
    kindsOfArea = areaKinds((await loadCatalogue()).recognisers);
  });

  it('lists every file of the corpus in the manifest, once', () => {
    const files = manifest.entries.map((e) => e.file);
    expect(new Set(files).size).toBe(files.length);
    expect(files.length).toBeGreaterThanOrEqual(60);
  });

  for (const entry of manifest.entries) {
    it(`${entry.file}`, { timeout: PER_FILE_MS + 5_000 }, async () => {
      const { result, report, crash } = await triage(entry);
      const outcomes = report && result ? judge(entry, report, result.stdout, kindsOfArea, new Date()) : [];
      results.push({ entry, kind: report?.files[0]?.kind ?? '(no report)', outcomes, crash });
      expect(crash, 'triage must not crash or hang').toBeUndefined();
      const missed = outcomes.filter((o) => !o.met).map((o) => o.name);
      if (entry.knownMiss === undefined) expect(missed, `${entry.file}: expectations missed`).toEqual([]);
      else expect(missed.length, `${entry.file} now meets every expectation: remove its knownMiss`).toBeGreaterThan(0);
    });
  }

  afterAll(() => {
    const all = results.flatMap((r) => r.outcomes);
    const met = all.filter((o) => o.met).length;
    const fully = results.filter((r) => !r.crash && r.outcomes.every((o) => o.met)).length;
    const pct = all.length ? ((100 * met) / all.length).toFixed(1) : '0.0';
    const figure = `realworld corpus: ${met}/${all.length} expectations met (${pct}%), ${fully}/${results.length} files fully correct`;
    // The figure and the table are the point of this test: print them even when it passes.
    console.log(`${figure}\n${table(results)}\n${figure}`);
  });
});
