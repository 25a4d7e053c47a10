import type { CommandModule } from 'yargs';
import type { CliIo } from '../io.js';
import { diagnoseOffline } from '../diagnose.js';
import { createProgress } from '../progress.js';
import { checkTimeout, emit, parseOnly, resolveTarget, withReportOptions, withTargetOptions, type GlobalArgs } from './common.js';

export const triageCommand = (io: CliIo): CommandModule => ({
  command: 'triage <inputs..>',
  describe: 'Offline diagnosis of what a customer attached: logs, MMP output, certificates, API XML, captures, dig output, archives',
  builder: (y) =>
    withTargetOptions(withReportOptions(y))
      .positional('inputs', {
        type: 'string',
        array: true,
        describe: 'Files, folders or archives (tar, tar.gz, zip); recognised by content',
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
    const target = await resolveTarget(argv, io);
    // Offline runs read big logs: the default deadline is longer than for live probes.
    const timeoutMs = (argv.timeout === 15 ? 600 : argv.timeout) * 1000;
    const progress = await createProgress(io, argv);
    try {
      const report = await diagnoseOffline(argv.inputs, target, {
        timeoutMs,
        ...(only ? { only } : {}),
        onStart: (c) => progress.onStart(c),
        onSettled: (r) => progress.onSettled(r),
      });
      progress.stop();
      emit(report, argv, io);
    } finally {
      progress.stop();
    }
  },
});
