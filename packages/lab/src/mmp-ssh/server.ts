import { timingSafeEqual } from 'node:crypto';
import type { Connection, ServerChannel, SFTPWrapper } from 'ssh2';

/**
 * The CMS MMP as an SSH server on loopback (ssh2's Server): password login, an interactive shell
 * that answers status commands from `screens` with the `<hostname>> ` prompt, and an SFTP
 * subsystem that serves `files` read-only. Every line received is recorded, so tests can prove
 * what a client sent. See README.md for what is sourced and what is guessed.
 */
export interface MmpSshSimulatorOptions {
  host: string;
  port?: number;
  hostname: string;
  username: string;
  password: string;
  screens: Readonly<Record<string, string>>;
  files?: Readonly<Record<string, string | Buffer>>;
}

export interface MmpSshSimulator {
  port: number;
  /** The host key as `ssh-ed25519 AAAA...` and its SHA256 fingerprint, for the lab's config. */
  hostPublicKey: string;
  hostKeyFingerprint: string;
  /** Every command line received, in order. */
  received: string[];
  close(): Promise<void>;
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export async function startMmpSshSimulator(opts: MmpSshSimulatorOptions): Promise<MmpSshSimulator> {
  const { Server, utils } = (await import('ssh2')).default;
  const { createHash } = await import('node:crypto');
  // ssh2 1.17.0 strips a leading zero byte from about 1 in 256 ed25519 public keys it generates,
  // and then cannot parse them (mscdex/ssh2#1513, #1390): draw again until both halves read back.
  let keys = utils.generateKeyPairSync('ed25519');
  let parsed = utils.parseKey(keys.public);
  for (let tries = 1; (parsed instanceof Error || utils.parseKey(keys.private) instanceof Error) && tries < 16; tries++) {
    keys = utils.generateKeyPairSync('ed25519');
    parsed = utils.parseKey(keys.public);
  }
  if (parsed instanceof Error) throw parsed;
  const blob = (Array.isArray(parsed) ? parsed[0] : parsed)!.getPublicSSH();
  const received: string[] = [];
  const connections = new Set<Connection>();

  const shell = (channel: ServerChannel): void => {
    const prompt = `${opts.hostname}> `;
    channel.write(`Cisco Meeting Server lab simulator\r\n${prompt}`);
    let line = '';
    let afterCr = false;
    channel.on('data', (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        // A terminal sends CR, a script LF, some both: each ends one line, CRLF only once.
        const skip = ch === '\n' && afterCr;
        afterCr = ch === '\r';
        if (skip) continue;
        if (ch === '\r' || ch === '\n') {
          const command = line.trim();
          line = '';
          received.push(command);
          // A terminal echoes what was typed, then the screen, then the prompt.
          channel.write(`${command}\r\n`);
          if (command === 'exit') return void channel.close();
          const screen = opts.screens[command];
          const out = screen ?? (command === '' ? '' : `Unknown command: ${command}\n`);
          channel.write(`${out.replace(/\r?\n/g, '\r\n')}${prompt}`);
        } else line += ch;
      }
    });
  };

  const sftp = (s: SFTPWrapper): void => {
    const { STATUS_CODE, OPEN_MODE } = utils.sftp;
    const handles = new Map<number, Buffer>();
    let next = 0;
    const file = (path: string): Buffer | undefined => {
      const name = path.replace(/^\.?\//, '');
      const v = opts.files?.[name];
      return v === undefined ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(v);
    };
    const attrs = (size: number) => ({ mode: 0o100644, uid: 0, gid: 0, size, atime: 0, mtime: 0 });
    s.on('OPEN', (id, path, flags) => {
      const data = file(path);
      if (!data || flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND | OPEN_MODE.CREAT | OPEN_MODE.TRUNC))
        return s.status(id, data ? STATUS_CODE.PERMISSION_DENIED : STATUS_CODE.NO_SUCH_FILE);
      const h = Buffer.alloc(4);
      h.writeUInt32BE(next, 0);
      handles.set(next++, data);
      s.handle(id, h);
    });
    s.on('READ', (id, handle, offset, length) => {
      const data = handles.get(handle.readUInt32BE(0));
      if (!data) return s.status(id, STATUS_CODE.FAILURE);
      if (offset >= data.length) return s.status(id, STATUS_CODE.EOF);
      s.data(id, data.subarray(offset, offset + length));
    });
    s.on('FSTAT', (id, handle) => {
      const data = handles.get(handle.readUInt32BE(0));
      return data ? s.attrs(id, attrs(data.length)) : s.status(id, STATUS_CODE.FAILURE);
    });
    const stat = (id: number, path: string): void => {
      const data = file(path);
      if (data) s.attrs(id, attrs(data.length));
      else s.status(id, STATUS_CODE.NO_SUCH_FILE);
    };
    s.on('STAT', stat);
    s.on('LSTAT', stat);
    s.on('CLOSE', (id, handle) => {
      handles.delete(handle.readUInt32BE(0));
      s.status(id, STATUS_CODE.OK);
    });
    for (const op of [
      'WRITE',
      'REMOVE',
      'RENAME',
      'MKDIR',
      'RMDIR',
      'SETSTAT',
      'FSETSTAT',
      'SYMLINK',
      'OPENDIR',
      'READDIR',
      'REALPATH',
      'READLINK',
    ] as const)
      s.on(op as 'WRITE', (id: number) => s.status(id, STATUS_CODE.OP_UNSUPPORTED));
  };

  const server = new Server({ hostKeys: [keys.private] }, (client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password' && ctx.username === opts.username && same(ctx.password, opts.password)) ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('pty', (ok) => ok?.());
        session.on('shell', (ok) => shell(ok()));
        session.on('exec', (_ok, reject) => reject());
        session.on('sftp', (ok) => sftp(ok()));
        session.on('subsystem', (_ok, reject) => reject());
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    hostPublicKey: `ssh-ed25519 ${blob.subarray(0).toString('base64')}`,
    hostKeyFingerprint: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`,
    received,
    close: async () => {
      for (const c of connections) c.end();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
