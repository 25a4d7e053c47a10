import type { CommandModule } from 'yargs';
import type { Area } from '@cms-doctor/core';
import type { CliIo } from '../io.js';
import { ExitError } from '../exit.js';
import { checkTimeout, emit, resolveTarget, runLive, withReportOptions, withTargetOptions, type GlobalArgs } from './common.js';
import { withTransportWarnings } from '../render/clear-text.js';

const DESCRIBE = [
  "The document's Verify step in headless Chromium, as a guest's browser does it. Two checks:",
  '',
  'browser.page: opens https://<external>/ with the name pinned to the edge (--edge, or the external DNS answer when --external-dns is given; the system DNS is not changed) and reports Chromium\'s own certificate verdict (net::ERR_CERT_*), the HTTP status, and whether the page is the CMS web app, "Bad Request" (the guest account client URI) or something else.',
  '',
  'browser.media: two WebRTC peers that may use only TURN relay candidates connect through the TURN server (UDP, TCP, and TLS where expected) and exchange ten pings on a data channel: relay addresses, median round trip, loss. Needs --turn-user and --turn-password-file or CMS_DOCTOR_TURN_PASSWORD (run --browser also takes the user CMS names through --cms-api).',
  '',
  "Chromium is the Debian package chromium (/usr/bin/chromium; --chromium <path> for another); nothing is downloaded. The --ca certificates are trusted by this run's Chromium only, through a private NSS database (needs certutil from the Debian package libnss3-tools). Without Chromium both checks are skipped with a notice. Findings carry the same codes as cms-doctor run: cms-doctor explain <code>.",
].join('\n');

export const verifyCommand = (io: CliIo): CommandModule => ({
  command: 'verify',
  describe: "The document's Verify step in headless Chromium: open the guest URL, send media through TURN",
  builder: (y) =>
    withTargetOptions(withReportOptions(y, io))
      .usage(`cms-doctor verify --external <fqdn> [target options]\n\n${DESCRIBE}`)
      .example(
        'CMS_DOCTOR_TURN_PASSWORD=... $0 verify --external cmsweb.octavio.com --edge 10.88.246.156 --turn-user turnuser',
        'open the guest page at the edge and prove media through its TURN server',
      )
      .example('$0 verify --config cms-doctor.yaml --format json', 'the same against a lab or a saved configuration, as JSON'),
  handler: async (raw) => {
    const argv = raw as unknown as GlobalArgs & Record<string, unknown>;
    checkTimeout(argv);
    const target = await resolveTarget(argv, io);
    if (!target.external)
      throw new ExitError(2, 'verify needs --external <fqdn> (the web bridge name guests use), in flags, --config or CMS_DOCTOR_EXTERNAL');
    // Without --edge, the external DNS view names the edge the browser is pinned to.
    const areas: Area[] = target.edge ? ['browser'] : ['browser', 'dns'];
    const report = await runLive(target, argv, io, areas, true);
    report.target = withTransportWarnings(report.target);
    emit(report, argv, io);
  },
});
