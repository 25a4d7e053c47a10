import type { ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import { CmsDoctorError, type Secret } from '@cms-doctor/core';
import { allowedCommand, fetchableFile } from './allow-list.js';
import { judgeHostKey, type HostKeyPolicy, type HostKeyVerdict } from './host-key.js';
import { commandOutput, plainTerminalText, promptAtEnd } from './prompt.js';

export interface MmpSshCredentials {
  username: string;
  password?: Secret;
  /** A private key's text (PEM or OpenSSH format) and its passphrase. */
  privateKey?: Secret;
  passphrase?: Secret;
  /** An SSH agent socket, e.g. SSH_AUTH_SOCK. */
  agent?: string;
}

export interface MmpSshOptions {
  host: string;
  port: number;
  credentials: MmpSshCredentials;
  hostKey: Omit<HostKeyPolicy, 'host' | 'port'>;
  /** Status commands to run, in order; each must pass the allow-list. */
  commands: readonly string[];
  /** File names to read over SFTP once the commands have run (e.g. the certificates they name). */
  filesToRead?: (outputs: ReadonlyMap<string, string>) => readonly string[];
  /** Deadline of the whole session and of each command. */
  signal: AbortSignal;
  commandTimeoutMs: number;
}

export interface MmpCommandResult {
  command: string;
  output: string;
  /** False when the prompt did not come back before the command's deadline. */
  complete: boolean;
  ms: number;
}

export interface MmpSshResult {
  hostKey?: HostKeyVerdict;
  prompt?: string;
  banner: string;
  commands: MmpCommandResult[];
  files: { name: string; bytes?: Buffer; error?: string }[];
  /** What was sent and received, as a customer would paste it: `CMS> webbridge` and its output. Never a secret. */
  transcript: string;
  /** Where it stopped, if it did not finish. */
  failure?: { phase: 'connect' | 'host-key' | 'auth' | 'shell' | 'command' | 'sftp'; message: string };
}

/** Largest output kept per command: MMP status screens are a few KB; anything larger is not one. */
const MAX_COMMAND_BYTES = 256 * 1024;
/** Largest file read over SFTP: certificates and bundles, never logs or backups. */
export const MAX_SFTP_FILE_BYTES = 1024 * 1024;

/**
 * One read-only MMP session: verify the host key (fail closed), log in, run the allow-listed
 * status commands in an interactive shell, read the named files over SFTP. Every step ends at the
 * session's deadline; what was gathered before a failure is returned with the failure.
 */
export async function collectMmp(opts: MmpSshOptions): Promise<MmpSshResult> {
  const commands = opts.commands.map(allowedCommand);
  const { Client } = (await import('ssh2')).default;
  const client = new Client();
  const result: MmpSshResult = { banner: '', commands: [], files: [], transcript: '' };
  const fail = (phase: NonNullable<MmpSshResult['failure']>['phase'], message: string): MmpSshResult => {
    result.failure ??= { phase, message };
    return result;
  };
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = (): void => reject(new CmsDoctorError('CMSD_TIMEOUT', 'the MMP session reached its deadline'));
    if (opts.signal.aborted) onAbort();
    else opts.signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    const config: ConnectConfig = {
      host: opts.host,
      port: opts.port,
      username: opts.credentials.username,
      readyTimeout: 60_000,
      tryKeyboard: false,
      hostVerifier: (key: Buffer) => {
        result.hostKey = judgeHostKey(key, { ...opts.hostKey, host: opts.host, port: opts.port });
        return result.hostKey.trusted;
      },
    };
    if (opts.credentials.password) config.password = opts.credentials.password.reveal();
    if (opts.credentials.privateKey) config.privateKey = opts.credentials.privateKey.reveal();
    if (opts.credentials.passphrase) config.passphrase = opts.credentials.passphrase.reveal();
    if (opts.credentials.agent) config.agent = opts.credentials.agent;
    const ready = new Promise<void>((resolve, reject) => {
      client.once('ready', resolve);
      client.once('error', reject);
      client.once('close', () => reject(new Error('the connection closed before login')));
    });
    client.connect(config);
    try {
      await Promise.race([ready, aborted]);
    } catch (e) {
      if (result.hostKey && !result.hostKey.trusted)
        return fail('host-key', `host key ${result.hostKey.reason}: ${result.hostKey.fingerprint}`);
      const level = (e as { level?: string }).level;
      if (level === 'client-authentication') return fail('auth', 'the MMP refused the credentials');
      return fail(result.hostKey ? 'auth' : 'connect', (e as Error).message);
    }

    const channel = await Promise.race([
      new Promise<ClientChannel>((resolve, reject) =>
        // A wide, tall terminal: status screens are never wrapped or paged.
        client.shell({ term: 'vt100', cols: 250, rows: 1000 }, (err, ch) => (err ? reject(err) : resolve(ch))),
      ),
      aborted,
    ]).catch((e: unknown) => {
      fail('shell', (e as Error).message);
      return undefined;
    });
    if (!channel) return result;
    let text = '';
    let waiter: (() => void) | undefined;
    channel.on('data', (d: Buffer) => {
      if (text.length < MAX_COMMAND_BYTES * 2) text += d.toString('utf8');
      waiter?.();
    });
    channel.stderr.on('data', () => undefined);
    const closed = new Promise<void>((resolve) => channel.on('close', () => resolve()));
    const until = async (pred: () => boolean, ms: number): Promise<boolean> => {
      const end = Date.now() + ms;
      while (!pred()) {
        const left = end - Date.now();
        if (left <= 0 || opts.signal.aborted) return false;
        const more = new Promise<void>((r) => (waiter = r));
        const timer = new Promise<void>((r) => setTimeout(r, left).unref());
        const stop = await Promise.race([more.then(() => false), timer.then(() => false), closed.then(() => true)]);
        if (stop) return pred();
      }
      return true;
    };

    // The first prompt may follow a slow login banner: it has the session's deadline, not a command's.
    if (!(await until(() => promptAtEnd(plainTerminalText(text)) !== undefined, 24 * 3600_000)))
      return fail('shell', 'no MMP prompt (`<hostname>> `) after login');
    const first = plainTerminalText(text);
    const prompt = promptAtEnd(first)!;
    result.prompt = prompt;
    result.banner = first.slice(0, -(prompt.length + 2));
    const outputs = new Map<string, string>();
    for (const command of commands) {
      text = '';
      const t0 = Date.now();
      channel.write(`${command}\n`);
      const complete = await until(() => promptAtEnd(plainTerminalText(text), prompt) !== undefined, opts.commandTimeoutMs);
      const output = commandOutput(plainTerminalText(text), command, prompt).slice(0, MAX_COMMAND_BYTES);
      result.commands.push({ command, output, complete, ms: Date.now() - t0 });
      result.transcript += `${prompt}> ${command}\n${output}`;
      outputs.set(command, output);
      if (!complete) {
        fail('command', `\`${command}\`: the prompt did not come back within ${Math.round(opts.commandTimeoutMs / 100) / 10} s`);
        break;
      }
    }
    result.transcript += `${prompt}> \n`;
    channel.end();

    const names = [...new Set((opts.filesToRead?.(outputs) ?? []).map(fetchableFile).filter((n) => n !== undefined))];
    if (names.length > 0 && !result.failure) await readFiles(client, names, result, aborted);
    return result;
  } catch (e) {
    return fail('connect', (e as Error).message);
  } finally {
    client.end();
  }
}

async function readFiles(
  client: import('ssh2').Client,
  names: readonly string[],
  result: MmpSshResult,
  aborted: Promise<never>,
): Promise<void> {
  const sftp = await Promise.race([
    new Promise<SFTPWrapper>((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s)))),
    aborted,
  ]).catch((e: unknown) => {
    result.failure ??= { phase: 'sftp', message: (e as Error).message };
    return undefined;
  });
  if (!sftp) return;
  for (const name of names) {
    try {
      const size = await Promise.race([
        new Promise<number>((resolve, reject) => sftp.stat(name, (err, st) => (err ? reject(err) : resolve(st.size)))),
        aborted,
      ]);
      if (size > MAX_SFTP_FILE_BYTES) {
        result.files.push({ name, error: `${size} bytes: larger than a certificate file` });
        continue;
      }
      const bytes = await Promise.race([
        new Promise<Buffer>((resolve, reject) => sftp.readFile(name, (err, b) => (err ? reject(err) : resolve(b)))),
        aborted,
      ]);
      result.files.push({ name, bytes });
    } catch (e) {
      result.files.push({ name, error: (e as Error).message });
    }
  }
  sftp.end();
}
