import { mkdtemp, rm } from 'node:fs/promises';
import { forgetTemp, rememberTemp } from '../triage/temp-registry.js';
import { onExitSignal } from '../triage/exit-signals.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { exitCodeFor, type Area, type Report } from '@cms-doctor/core';
import type { CliIo } from '../io.js';
import { ExitError } from '../exit.js';
import { loadConfigFile } from '../config.js';
import { buildTarget, mergeSources } from '../target.js';
import { diagnoseLive } from '../diagnose.js';
import { checkTimeout, emit, parseOnly, withReportOptions, type GlobalArgs } from './common.js';

/** What the CLI uses of @cms-doctor/lab (typed here so the CLI states its expectations). */
interface LabModule {
  SCENARIOS: readonly { name: string; title: string; tolerated?: readonly string[]; networkFault?: boolean }[];
  startLab(opts: { scenario: string; dir: string }): Promise<{
    configPath: string;
    expected: { codes: string[]; fixes: string[] };
    close(): Promise<void>;
  }>;
}

async function loadLab(): Promise<LabModule> {
  return (await import('@cms-doctor/lab')) as unknown as LabModule;
}

async function scenarioNames(): Promise<string[]> {
  const lab = await loadLab();
  return lab.SCENARIOS.map((s) => s.name);
}

async function assertScenario(name: string): Promise<void> {
  const names = await scenarioNames();
  if (!names.includes(name)) throw new ExitError(2, `unknown scenario "${name}"; one of: ${names.join(', ')}`);
}

export const labCommand = (io: CliIo): CommandModule => ({
  command: 'lab',
  describe: 'Start the simulated reference deployment on loopback and print the run command for it',
  builder: (y) =>
    y
      .option('scenario', { type: 'string', default: 'healthy', describe: 'Which documented failure to inject (see --list)' })
      .option('dir', {
        type: 'string',
        describe: 'Folder for cms-doctor.yaml, certificates and password files (default: a new temp folder)',
      })
      .option('list', { type: 'boolean', describe: 'List the scenarios and exit' })
      .option('for', { type: 'number', describe: 'Stop after this many seconds (default: until Ctrl-C)' }),
  handler: async (raw) => {
    const argv = raw as unknown as { scenario: string; dir?: string; list?: boolean; for?: number };
    const lab = await loadLab();
    if (argv.list) {
      io.stdout(lab.SCENARIOS.map((s) => `${s.name.padEnd(40)} ${s.title}`).join('\n') + '\n');
      return;
    }
    await assertScenario(argv.scenario);
    const dir = argv.dir ? resolve(io.cwd, argv.dir) : await mkdtemp(join(tmpdir(), 'cms-doctor-lab-'));
    // A folder we made (not --dir) holds password files: it goes when the lab stops.
    if (!argv.dir) rememberTemp(dir);
    const running = await lab.startLab({ scenario: argv.scenario, dir });
    io.stdout(
      `Lab "${argv.scenario}" is running on loopback (config: ${running.configPath}).\n\nDiagnose it with:\n  npx cms-doctor run --config ${running.configPath}\n\n` +
        `Expected findings: ${running.expected.codes.length ? running.expected.codes.join(', ') : 'none failing'}\nStop with Ctrl-C.\n`,
    );
    await new Promise<void>((done) => {
      const stop = (): void => done();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (argv.for !== undefined) setTimeout(stop, argv.for * 1000).unref();
    });
    await running.close();
    if (!argv.dir) {
      await rm(dir, { recursive: true, force: true });
      forgetTemp(dir);
    }
  },
});

async function diagnoseScenario(
  lab: LabModule,
  scenario: string,
  timeoutMs: number,
  only: Area[] | undefined,
): Promise<{ report: Report; expected: { codes: string[]; fixes: string[] } }> {
  // The folder holds the lab's password files: removed when the demo ends, Ctrl-C included.
  const dir = await mkdtemp(join(tmpdir(), 'cms-doctor-demo-'));
  rememberTemp(dir);
  const release = onExitSignal();
  try {
    const running = await lab.startLab({ scenario, dir });
    try {
      const values = await loadConfigFile(running.configPath);
      const target = await buildTarget(mergeSources({}, {}, values), {}, { interactive: false, prompt: async () => '' });
      const report = await diagnoseLive(target, { timeoutMs, ...(only ? { only } : {}) });
      return { report, expected: running.expected };
    } finally {
      await running.close();
    }
  } finally {
    release();
    await rm(dir, { recursive: true, force: true });
    forgetTemp(dir);
  }
}

/** A scenario may tolerate side effects of its fault (`cms/*` tolerates every cms code). */
const tolerates = (patterns: readonly string[], code: string): boolean =>
  patterns.some((p) => p === code || (p.endsWith('/*') && code.startsWith(p.slice(0, -1))));

/** The deadline of a network-fault scenario in `demo --tour`: long enough to decide everything else. */
const TOUR_FAULT_TIMEOUT_S = 4;

export const demoCommand = (io: CliIo): CommandModule => ({
  command: 'demo',
  describe: 'Start the lab, diagnose it and show the report: one command, nothing to install',
  builder: (y) =>
    withReportOptions(y, io)
      .option('scenario', { type: 'string', default: 'healthy', describe: 'Which documented failure to show (cms-doctor lab --list)' })
      .option('tour', { type: 'boolean', describe: 'Run every scenario and print a summary table' })
      .example('$0 demo', 'a healthy deployment')
      .example('$0 demo --scenario turn-wrong-password', 'the TURN credential mismatch of the document (STUN 431)')
      .example('$0 demo --tour', 'every scenario, one table'),
  handler: async (raw) => {
    const argv = raw as unknown as GlobalArgs & { scenario: string; tour?: boolean };
    checkTimeout(argv);
    const only = parseOnly(argv.only);
    const lab = await loadLab();
    if (!argv.tour) {
      await assertScenario(argv.scenario);
      const { report } = await diagnoseScenario(lab, argv.scenario, argv.timeout * 1000, only);
      emit(report, argv, io);
    }
    const rows: {
      scenario: string;
      expected: string[];
      found: string[];
      missing: string[];
      unexpected: string[];
      exit: number;
      ms: number;
    }[] = [];
    for (const s of lab.SCENARIOS) {
      // A stalled peer is shown, not waited for: a fault scenario's run ends after a few seconds.
      const timeoutS = s.networkFault ? Math.min(argv.timeout, TOUR_FAULT_TIMEOUT_S) : argv.timeout;
      const { report, expected } = await diagnoseScenario(lab, s.name, timeoutS * 1000, only);
      const failing = [...new Set(report.findings.filter((f) => f.status === 'fail').map((f) => f.code))];
      rows.push({
        scenario: s.name,
        expected: expected.codes,
        found: failing,
        missing: expected.codes.filter((c) => !report.findings.some((f) => f.code === c)),
        unexpected: failing.filter((c) => !expected.codes.includes(c) && !tolerates(s.tolerated ?? [], c)),
        exit: exitCodeFor(report),
        ms: report.durationMs,
      });
      if (argv.format === 'text') io.stderr(`${s.name}: ${failing.join(' ') || 'no failures'}\n`);
    }
    if (argv.format === 'json') io.stdout(JSON.stringify(rows, null, 2) + '\n');
    else {
      const w = Math.max(...rows.map((r) => r.scenario.length));
      io.stdout(
        [
          `${'scenario'.padEnd(w)}  exit  time     result`,
          ...rows.map(
            (r) =>
              `${r.scenario.padEnd(w)}  ${String(r.exit).padEnd(4)}  ${`${r.ms} ms`.padEnd(7)}  ${r.missing.length === 0 && r.unexpected.length === 0 ? 'as expected' : 'UNEXPECTED'}: ${r.found.join(' ') || 'no failures'}${r.missing.length ? ` (missing ${r.missing.join(' ')})` : ''}`,
          ),
        ].join('\n') + '\n',
      );
    }
    throw new ExitError(rows.every((r) => r.missing.length === 0 && r.unexpected.length === 0) ? 0 : 1);
  },
});
