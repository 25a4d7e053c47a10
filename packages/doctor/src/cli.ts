import type { Argv, CommandModule } from 'yargs';
import { describeError, isCmsDoctorError } from '@cms-doctor/core';
import { processIo, type CliIo } from './io.js';
import { ExitError, usageExit } from './exit.js';
import { VERSION } from './version.js';
import { refuseArgvPasswords } from './commands/refuse-argv-passwords.js';
import { COMMANDS } from './commands/registry.js';
import { fastDispatch } from './parse/fast-dispatch.js';
import { helpWidth } from './help/width.js';

const EPILOG = `Exit codes: 0 nothing failed, 1 a check failed, 2 bad usage or input, 3 a check could not decide.
Passwords: --*-password-file or CMS_DOCTOR_TURN_PASSWORD / CMS_DOCTOR_CMS_PASSWORD; never on the command line.
Every option can also come from --config <yaml> or a CMS_DOCTOR_<OPTION> variable.
Docs: docs/ in the repository; cms-doctor explain <code|fix>.`;

/** yargs names an unknown `--bogus-flag` twice (`bogus-flag, bogusFlag`): keep the name the user typed. */
export function withoutCamelTwins(message: string): string {
  return message.replace(/(Unknown arguments?: )(.*)$/m, (_m, head: string, list: string) => {
    const names = list.split(', ');
    const kebab = new Set(names.map((n) => n.replace(/-([a-z])/g, (_x, ch: string) => ch.toUpperCase())).filter((n, i) => n !== names[i]));
    const kept = names.filter((n) => !kebab.has(n));
    return `${kept.length === 1 ? 'Unknown argument: ' : head}${kept.join(', ')}`;
  });
}

/**
 * The CLI as yargs parses it, over these command modules: what runs whenever the fast path
 * (parse/fast-dispatch.ts) steps aside, and what its tests compare it with.
 */
export async function fullParser(rawArgs: readonly string[], io: CliIo, commands: readonly CommandModule[]): Promise<Argv> {
  const { default: yargs } = await import('yargs');
  let parser = yargs([...rawArgs])
    .scriptName('cms-doctor')
    .usage('cms-doctor: diagnose proxy WebRTC for Cisco Meeting Server through Expressway-C/E\n\nUsage: $0 <command> [options]');
  for (const command of commands) parser = parser.command(command);
  return parser
    .completion('completion', 'Print a bash/zsh completion script (source it from your shell profile)')
    .demandCommand(1, 'name a command, e.g. cms-doctor run --external cmsweb.example.com')
    .recommendCommands()
    .strict()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .epilog(EPILOG)
    .wrap(helpWidth(io.columns))
    .exitProcess(false)
    .fail((msg: string | null, err: Error | undefined) => {
      throw err ?? new ExitError(2, msg ?? 'invalid usage');
    });
}

/**
 * Runs the CLI and returns its exit code. Never exits the process itself, so tests
 * call it in-process; bin/cms-doctor.js turns the code into the process exit.
 */
export async function main(rawArgs: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    refuseArgvPasswords(rawArgs);
    const fast = await fastDispatch(rawArgs, io);
    if (fast) {
      await fast();
      return 0;
    }
    const commands = await Promise.all(COMMANDS.map(async (c) => (await c.load())(io)));
    const parser = await fullParser(rawArgs, io, commands);
    let output = '';
    await parser.parseAsync([...rawArgs], {}, (_err: unknown, _argv: unknown, out: string) => {
      output = out;
    });
    if (output) io.stdout(output.endsWith('\n') ? output : `${output}\n`);
    return 0;
  } catch (e) {
    const exit = usageExit(e);
    if (exit) {
      if (exit.message)
        io.stderr(`cms-doctor: ${withoutCamelTwins(exit.message)}\n${exit.exitCode === 2 ? 'Run cms-doctor --help for usage.\n' : ''}`);
      return exit.exitCode;
    }
    // yargs validation errors (unknown option, bad choice, missing argument) are usage errors.
    if (
      e instanceof Error &&
      (e.name === 'YError' || /Unknown argument|Invalid values|Not enough non-option|Missing required/.test(e.message))
    ) {
      io.stderr(`cms-doctor: ${withoutCamelTwins(e.message)}\nRun cms-doctor --help for usage.\n`);
      return 2;
    }
    io.stderr(
      `cms-doctor: internal error: ${describeError(e)}\n${isCmsDoctorError(e) ? '' : ((e as Error)?.stack ?? '')}\nPlease report it with the command you ran (cms-doctor ${VERSION}, node ${process.version}).\n`,
    );
    return 3;
  }
}
