import type { CommandModule } from 'yargs';
import type { CliIo } from '../io.js';
import { ExitError } from '../exit.js';
import { checkTimeout, emit, parseOnly, resolveTarget, runLive, withReportOptions, withTargetOptions, type GlobalArgs } from './common.js';
import { runInventory } from './inventory.js';
import { withTransportWarnings } from '../render/clear-text.js';

export const runCommand = (io: CliIo): CommandModule => ({
  command: 'run',
  describe: 'Live diagnosis of one deployment (or many with --inventory)',
  builder: (y) =>
    withTargetOptions(withReportOptions(y, io))
      .option('inventory', { type: 'string', describe: 'YAML list of deployments (name + config keys); runs each', group: 'Fleet:' })
      // No yargs default: it would hide CMS_DOCTOR_CONCURRENCY and a config `concurrency:` key,
      // which the option middleware fills only when the flag is absent. runInventory falls back to 4.
      .option('browser', {
        type: 'boolean',
        describe: 'Also run the browser area: the Verify step in headless Chromium (see cms-doctor verify --help)',
        group: 'Checks:',
      })
      .option('concurrency', { type: 'number', describe: 'Deployments diagnosed at once with --inventory (default 4)', group: 'Fleet:' })
      .example(
        '$0 run --external cmsweb.octavio.com --internal-dns 172.16.85.162 --edge-nat-address 10.88.246.156',
        'DNS, certificate and web proxy checks',
      )
      .example(
        'CMS_DOCTOR_TURN_PASSWORD=... $0 run --config cms-doctor.yaml --turn-user turnuser',
        'add the TURN allocation and media path test',
      )
      .example('$0 run --inventory fleet.yaml --format json', 'every deployment of a fleet, one JSON array'),
  handler: async (raw) => {
    const argv = raw as unknown as GlobalArgs & Record<string, unknown>;
    checkTimeout(argv);
    const only = parseOnly(argv.only);
    if (typeof argv.inventory === 'string') return runInventory(argv.inventory, argv, io, only);
    const target = await resolveTarget(argv, io);
    if (!target.external)
      throw new ExitError(2, 'run needs --external <fqdn> (the web bridge name guests use), in flags, --config or CMS_DOCTOR_EXTERNAL');
    const report = await runLive(target, argv, io, only, argv.browser === true);
    report.target = withTransportWarnings(report.target);
    emit(report, argv, io);
  },
});
