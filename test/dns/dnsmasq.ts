import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A dnsmasq process serving one view on one loopback address. Started and stopped by the test harness. */
export interface Dnsmasq {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** A port free for both UDP and TCP on `host` (checked, then released). */
async function freePort(host: string): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const udp = createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, host, () => resolve(udp.address().port));
    });
    const ok = await new Promise<boolean>((resolve) => {
      const tcp = createServer();
      tcp.once('error', () => resolve(false));
      tcp.listen(port, host, () => tcp.close(() => resolve(true)));
    });
    await new Promise<void>((r) => udp.close(() => r()));
    if (ok) return port;
  }
  throw new Error(`no free port on ${host}`);
}

/**
 * Starts `dnsmasq` in the foreground, answering only from its command line (no
 * upstream, no /etc/hosts). `local` domains answer NXDOMAIN for unknown names.
 */
export async function startDnsmasq(host: string, records: string[], local: string[]): Promise<Dnsmasq> {
  const port = await freePort(host);
  const dir = mkdtempSync(join(tmpdir(), 'cmsd-dnsmasq-'));
  const args = [
    '--keep-in-foreground',
    '--no-resolv',
    '--no-hosts',
    '--no-daemon',
    `--port=${port}`,
    `--listen-address=${host}`,
    '--bind-interfaces',
    '--conf-file=/dev/null',
    `--pid-file=${join(dir, 'pid')}`,
    '--log-facility=-',
    '--cache-size=0',
    ...local.map((d) => `--local=/${d}/`),
    ...records,
  ];
  const child: ChildProcess = spawn('dnsmasq', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const started = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 5000);
    const check = (): void => {
      if (/started, version/.test(stderr)) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stderr?.on('data', check);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!started) {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`dnsmasq did not start on ${host}:${port}: ${stderr}`);
  }
  return {
    host,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
