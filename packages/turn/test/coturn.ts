import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dgram from 'node:dgram';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { encodeMessage, decodeMessage } from '../src/codec/message.js';

export interface Coturn {
  port: number;
  relayRange: [number, number];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  // A port free for both UDP and TCP on loopback.
  for (let i = 0; i < 20; i++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    const okUdp = ok && (await new Promise<boolean>((resolve) => {
      const u = dgram.createSocket('udp4').once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    }));
    if (okUdp) return port;
  }
  throw new Error('no free port');
}

async function answersBinding(port: number): Promise<boolean> {
  const s = dgram.createSocket('udp4');
  const tid = randomBytes(12);
  try {
    return await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 200);
      s.on('message', (m) => { try { if (decodeMessage(m).transactionId.equals(tid)) { clearTimeout(t); resolve(true); } } catch { /* not ours */ } });
      s.on('error', () => undefined);
      s.send(encodeMessage({ method: 1, cls: 'request', transactionId: tid, attributes: [] }), port, '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

/** Starts coturn on loopback with one long-term user (turnuser:cisco, realm example); waits until it answers. */
export async function startCoturn(): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), 'cmsd-coturn-'));
  const port = await freePort();
  const base = 40000 + Math.floor(Math.random() * 200) * 100;
  const relayRange: [number, number] = [base, base + 99];
  const args = [
    '-n', '--listening-ip=127.0.0.1', `--listening-port=${port}`, '--relay-ip=127.0.0.1',
    '--lt-cred-mech', '--user=turnuser:cisco', '--realm=example',
    '--no-tls', '--no-dtls', '--no-cli', '--allow-loopback-peers', '--log-file=stdout', '--simple-log',
    `--min-port=${relayRange[0]}`, `--max-port=${relayRange[1]}`,
    `--pidfile=${join(dir, 'turnserver.pid')}`, `--userdb=${join(dir, 'turndb')}`,
  ];
  const child: ChildProcess = spawn('turnserver', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000); });
  child.stderr?.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000); });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) break;
    if (await answersBinding(port)) return { port, relayRange, stop };
  }
  await stop();
  throw new Error(`coturn did not start on 127.0.0.1:${port}: ${output}`);
}
