import type { CommandModule } from 'yargs';
import type { CliIo } from '../io.js';
import { diagnoseOffline } from '../diagnose.js';
import { createProgress } from '../progress.js';
import { DEFAULT_TRIAGE_LIMITS, type TriageLimits } from '../triage/budget.js';
import { onExitSignal } from '../triage/exit-signals.js';
import { checkTimeout, emit, parseOnly, resolveTarget, withReportOptions, withTargetOptions, type GlobalArgs } from './common.js';

/** Time kept back from extraction for the checks and the report. */
const EXTRACTION_RESERVE_MS = 750;

const limitsOf = (argv: Record<string, unknown>): Partial<TriageLimits> => ({
  ...(typeof argv['max-extract-bytes'] === 'number' ? { maxBytes: argv['max-extract-bytes'] } : {}),
  ...(typeof argv['max-extract-entries'] === 'number' ? { maxEntries: argv['max-extract-entries'] } : {}),
});

export const triageCommand = (io: CliIo): CommandModule => ({
  command: 'triage <inputs..>',
  describe: 'Offline diagnosis of what a customer attached: logs, MMP output, certificates, API XML, captures, dig output, archives',
  builder: (y) =>
    withTargetOptions(withReportOptions(y, io))
      .positional('inputs', {
        type: 'string',
        array: true,
        describe: 'Files, folders or archives (tar, tar.gz, zip); recognised by content',
      })
      .option('max-extract-bytes', {
        type: 'number',
        describe: `Bytes all archives of the run may unpack to the temp folder (default ${DEFAULT_TRIAGE_LIMITS.maxBytes})`,
        group: 'Limits:',
      })
      .option('max-extract-entries', {
        type: 'number',
        describe: `Archive members the run may unpack, nested archives included (default ${DEFAULT_TRIAGE_LIMITS.maxEntries})`,
        group: 'Limits:',
      })
      .option('max-kdf-iterations', {
        type: 'number',
        describe: 'Largest key-derivation iteration count a PKCS#12 file may ask for (default 250000)',
        group: 'Limits:',
      })
      .example('$0 triage ./ticket-bundle', 'everything in a folder')
      .example(
        '$0 triage logs.tar.gz capture.pcapng --internal-dns 172.16.85.162',
        'an archive and a capture; dig files are assigned to views by their SERVER line',
      ),
  handler: async (raw) => {
    const argv = raw as unknown as GlobalArgs & { inputs: string[] } & Record<string, unknown>;
    checkTimeout(argv);
    const only = parseOnly(argv.only);
    // Loaded only when asked for: the certs package pulls the x509 and PKCS#12 libraries.
    if (typeof argv['max-kdf-iterations'] === 'number') (await import('@cms-doctor/certs')).setMaxKdfIterations(argv['max-kdf-iterations']);
    // The clock starts here, before anything is read: extraction counts against the deadline.
    const timeoutMs = argv.timeout * 1000;
    const deadline = AbortSignal.timeout(timeoutMs);
    // Extraction gives up a moment earlier, so the file findings (what stopped it) still run.
    const extractionDeadline = AbortSignal.timeout(Math.max(timeoutMs / 2, timeoutMs - EXTRACTION_RESERVE_MS));
    // Ctrl-C or SIGTERM while unpacking: the temp folders go before the process does.
    const release = onExitSignal();
    const target = await resolveTarget(argv, io);
    const progress = await createProgress(io, argv);
    try {
      const report = await diagnoseOffline(argv.inputs, target, {
        timeoutMs,
        signal: deadline,
        extractionSignal: extractionDeadline,
        limits: limitsOf(argv),
        ...(only ? { only } : {}),
        onStart: (c) => progress.onStart(c),
        onSettled: (r) => progress.onSettled(r),
      });
      progress.stop();
      emit(report, argv, io);
    } finally {
      progress.stop();
      release();
    }
  },
});
