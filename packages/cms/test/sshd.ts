import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256Fingerprint } from '../src/mmp-ssh/host-key.js';

export const SSHD = '/usr/sbin/sshd';
const SHELL = fileURLToPath(new URL('./fake-mmp-shell.mjs', import.meta.url));

export interface RealSshd {
  port: number;
  dir: string;
  /** The server's public host key line (`ssh-ed25519 AAAA...`). */
  hostPublicKey: string;
  /** Its SHA256 fingerprint, as `--cms-ssh-host-key` takes it. */
  hostKeyFingerprint: string;
  /** A client key pair whose public half is authorised. */
  clientKeyPath: string;
  /** Every line the fake MMP received, in order. */
  received(): Promise<string[]>;
  close(): Promise<void>;
}

/** Whether a real sshd can run here (installed and run as root, which sshd needs for its privilege separation). */
export function hasSshd(): boolean {
  const ok = existsSync(SSHD) && process.getuid?.() === 0;
  if (!ok) {
    if (process.env.CI === 'true') throw new Error('sshd (openssh-server, as root) is required under CI=true; .ci/run must install it');
    console.warn('[cms-doctor tests] sshd not installed or not root: its tests are skipped');
  }
  return ok;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

function keygen(path: string, passphrase = ''): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

/**
 * Starts OpenSSH's sshd on a loopback port with a throwaway host key, key (and optionally
 * password) authentication, and a ForceCommand that answers like the MMP from `screens`.
 */
export async function startSshd(opts: {
  prompt: string;
  screens: Record<string, string>;
  /** A command the fake MMP never answers. */
  stallOn?: string;
  passwordUser?: { name: string; password: string };
  /** Files the SFTP subsystem serves from the login's home (written to `dir/home`). */
  files?: Record<string, string>;
  /** Encrypt the client key with this passphrase. */
  clientKeyPassphrase?: string;
}): Promise<RealSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'cms-doctor-sshd-'));
  await chmod(dir, 0o755);
  await mkdir('/run/sshd', { recursive: true });
  keygen(join(dir, 'host_ed25519'));
  keygen(join(dir, 'client_ed25519'), opts.clientKeyPassphrase);
  await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'client_ed25519.pub')));
  const screensPath = join(dir, 'screens.json');
  const logPath = join(dir, 'received.log');
  await writeFile(screensPath, JSON.stringify({ prompt: opts.prompt, screens: opts.screens, stallOn: opts.stallOn ?? null }));
  await writeFile(logPath, '');
  await chmod(logPath, 0o666);
  // The forced command runs as the login user, who may not be able to enter the checkout (a
  // clone in a 0700 temp folder): it runs a copy of the shell from this world-readable folder.
  const shell = join(dir, 'fake-mmp-shell.mjs');
  await copyFile(SHELL, shell);
  const home = join(dir, 'home');
  await mkdir(home, { recursive: true });
  for (const [name, text] of Object.entries(opts.files ?? {})) await writeFile(join(home, name), text);
  if (opts.passwordUser) {
    const { name, password } = opts.passwordUser;
    if (spawnSync('id', [name]).status !== 0) spawnSync('useradd', ['-M', '-d', home, '-s', '/bin/sh', name]);
    spawnSync('chpasswd', [], { input: `${name}:${password}\n` });
  }
  const port = await freePort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PasswordAuthentication ${opts.passwordUser ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'PermitRootLogin yes',
    'StrictModes no',
    'LogLevel ERROR',
    `ForceCommand cd ${home} && ${process.execPath} ${shell} ${screensPath} ${logPath}`,
    'Subsystem sftp internal-sftp',
  ].join('\n');
  await writeFile(join(dir, 'sshd_config'), `${config}\n`);
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  // Ready when the port accepts connections.
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${stderr}`);
    if (await canConnect(port)) break;
    if (Date.now() - t0 > 5000) throw new Error(`sshd did not listen: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const hostPublicKey = (await readFile(join(dir, 'host_ed25519.pub'), 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
  return {
    port,
    dir,
    hostPublicKey,
    hostKeyFingerprint: sha256Fingerprint(Buffer.from(hostPublicKey.split(' ')[1] ?? '', 'base64')),
    clientKeyPath: join(dir, 'client_ed25519'),
    received: async () =>
      (await readFile(logPath, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string),
    close: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
