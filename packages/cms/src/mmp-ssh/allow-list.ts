/**
 * The only MMP commands cms-doctor ever sends: status screens that change nothing. Every
 * command goes through `allowedCommand`, so no input (a flag, a file name read from output,
 * a peer's banner) can turn into another command. Sources: the MMP outputs quoted in
 * shared/reference/cms-expressway-facts.md §3 (webbridge, webbridge3, callbridge, license,
 * pki list, xmpp, xmpp multi_domain list; dns and ipv4 a are named there as display commands).
 */
export const MMP_STATUS_COMMANDS = [
  'webbridge',
  'webbridge3',
  'callbridge',
  'license',
  'pki list',
  'xmpp',
  'xmpp multi_domain list',
  'dns',
  'ipv4 a',
] as const;
export type MmpStatusCommand = (typeof MMP_STATUS_COMMANDS)[number];

/**
 * A certificate file name as MMP lists it (`pki list`): letters, digits, dot, dash, underscore,
 * starting with a letter or digit. No space, slash, quote or control character can pass, so a
 * name taken from MMP output can be used in `pki inspect` or an SFTP read and nothing more.
 */
export const MMP_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class MmpCommandRefused extends Error {
  override name = 'MmpCommandRefused';
}

/** Returns the command if it is on the allow-list, else throws; never edits it into something else. */
export function allowedCommand(command: string): string {
  if ((MMP_STATUS_COMMANDS as readonly string[]).includes(command)) return command;
  const inspect = /^pki inspect (.*)$/s.exec(command);
  if (inspect && MMP_FILE_NAME.test(inspect[1] ?? '')) return command;
  throw new MmpCommandRefused(`not a read-only MMP command cms-doctor sends: ${JSON.stringify(command.slice(0, 80))}`);
}

/** `pki inspect <file>` for a file name read from MMP output, refused unless the name is plain. */
export const pkiInspect = (file: string): string => allowedCommand(`pki inspect ${file}`);

/** A file name read from MMP output that may be fetched over SFTP, or undefined. */
export const fetchableFile = (name: string | undefined): string | undefined =>
  name !== undefined && name !== 'none' && MMP_FILE_NAME.test(name) ? name : undefined;
