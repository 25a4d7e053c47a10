import type { Argv, CommandModule } from 'yargs';
import type { CliIo } from '../io.js';
import { CmsDoctorError } from '@cms-doctor/core';
import { ExitError } from '../exit.js';
import { checkTimeout, emit, resolveTarget, runLive, withReportOptions, type GlobalArgs } from './common.js';
import { TARGET_OPTIONS } from '../target-options.js';

type Args = GlobalArgs & Record<string, unknown>;

const targetOpt = <T>(y: Argv<T>, ...flags: string[]): Argv<T> => {
  let out = y;
  for (const f of flags) {
    const o = TARGET_OPTIONS.find((t) => t.flag === f);
    if (o) out = out.option(f, { ...o.def, group: 'Probe:' }) as Argv<T>;
  }
  return out;
};

/** Probe options are target options under the names the contract gives them for one probe. */
const renamed = (argv: Args, names: Record<string, string>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(names).flatMap(([from, to]) => (argv[from] === undefined ? [] : [[to, argv[from]]])));

export const probeCommand = (io: CliIo): CommandModule => ({
  command: 'probe <what>',
  describe: 'One probe on its own: turn, dns or cert',
  builder: (y) =>
    y
      .command({
        command: 'turn <server>',
        describe: 'TURN Allocate (401 challenge, authenticated Allocate, media path) against host[:port]',
        builder: (p) =>
          targetOpt(withReportOptions(p, io), 'edge-nat-address', 'media-port-range', 'turn-tls-port', 'turn-tcp-expected', 'ca')
            .positional('server', { type: 'string', describe: 'TURN server host[:port] (default port 3478)' })
            .option('transport', {
              choices: ['udp', 'tcp', 'tls'] as const,
              array: true,
              describe: 'Transports to try (default: all three)',
              group: 'Probe:',
            })
            .option('user', { type: 'string', describe: 'TURN username', group: 'Probe:' })
            .option('password-file', {
              type: 'string',
              describe: 'File holding the TURN password (or CMS_DOCTOR_TURN_PASSWORD)',
              group: 'Probe:',
            })
            .example(
              'CMS_DOCTOR_TURN_PASSWORD=cisco $0 probe turn 10.88.246.156 --user turnuser --transport udp',
              'does Expressway-E accept these credentials?',
            ),
        handler: async (raw) => {
          const argv = raw as unknown as Args;
          checkTimeout(argv);
          const extra = { turn: argv.server, ...renamed(argv, { user: 'turn-user', 'password-file': 'turn-password-file' }) };
          const target = await resolveTarget(argv, io, extra).catch((e: unknown) => {
            // The message names the run command's flags; this command calls them --user and --password-file.
            if (e instanceof CmsDoctorError && e.code === 'CMSD_SECRET_MISSING')
              throw new CmsDoctorError(
                e.code,
                e.message.replace('--turn-user', '--user').replace('--turn-password-file', '--password-file'),
              );
            throw e;
          });
          const transports = argv.transport as string[] | undefined;
          const t = transports?.length ? { ...target, turnTransports: transports as ('udp' | 'tcp' | 'tls')[] } : target;
          emit(await runLive(t, argv, io, ['turn']), argv, io);
        },
      })
      .command({
        command: 'dns <fqdn>',
        describe: 'Resolve a name in the internal and external views and compare with the topology',
        builder: (p) =>
          targetOpt(withReportOptions(p, io), 'internal-domain', 'external-domain', 'cms-version', 'edge-internal-address')
            .positional('fqdn', { type: 'string', describe: 'The name to resolve, usually the external web bridge name' })
            .option('internal-dns', { type: 'string', describe: 'Resolver of the internal view, ip[:port]', group: 'Probe:' })
            .option('external-dns', {
              type: 'string',
              describe: 'Resolver of the external view, ip[:port] (default: the system resolver)',
              group: 'Probe:',
            })
            .option('expect-internal', {
              type: 'string',
              describe: 'Address the internal view must give (the CMS web bridge)',
              group: 'Probe:',
            })
            .option('expect-external', {
              type: 'string',
              describe: 'Address the external view must give (the Expressway-E public address)',
              group: 'Probe:',
            })
            .example(
              '$0 probe dns cmsweb.octavio.com --internal-dns 172.16.85.162 --expect-internal 172.16.85.180 --expect-external 10.88.246.156',
              'split horizon as the document requires',
            ),
        handler: async (raw) => {
          const argv = raw as unknown as Args;
          checkTimeout(argv);
          if (argv['internal-dns'] === undefined && argv['external-dns'] === undefined && !io.env.CMS_DOCTOR_INTERNAL_DNS)
            throw new ExitError(2, 'probe dns needs --internal-dns <ip[:port]> (and optionally --external-dns)');
          const extra = {
            external: argv.fqdn,
            ...renamed(argv, { 'expect-internal': 'cms-address', 'expect-external': 'edge-nat-address' }),
          };
          emit(await runLive(await resolveTarget(argv, io, extra), argv, io, ['dns']), argv, io);
        },
      })
      .command({
        command: 'cert <server>',
        describe: 'Fetch the certificate chain a TLS server presents and inspect it',
        builder: (p) =>
          targetOpt(withReportOptions(p, io), 'internal-domain', 'external-domain', 'ca')
            .positional('server', { type: 'string', describe: 'host[:port] to connect to (default port 443)' })
            .option('name', {
              type: 'string',
              describe: 'Name to send as SNI and require in the certificate (default: the host)',
              group: 'Probe:',
            })
            .example('$0 probe cert 10.88.246.156 --name cmsweb.octavio.com', "the edge's certificate for the web bridge name"),
        handler: async (raw) => {
          const argv = raw as unknown as Args;
          checkTimeout(argv);
          const server = String(argv.server);
          const host = server.startsWith('[') ? server.slice(1, server.indexOf(']')) : server.split(':')[0];
          const extra = { edge: server, external: argv.name ?? host };
          emit(await runLive(await resolveTarget(argv, io, extra), argv, io, ['cert']), argv, io);
        },
      })
      .demandCommand(1, 'name a probe: turn, dns or cert'),
  handler: () => undefined,
});
