import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import { encodeMessage, decodeMessage } from '../src/codec/message.js';

export interface Coturn {
  port: number;
  relayRange: [number, number];
  /** With `tls: true`: the TLS listener, the CA that signed its certificate, and the certificate's name. */
  tls?: { port: number; caPem: string; caFile: string; servername: string };
  stop(): Promise<void>;
}

/** The DNS name (and 127.0.0.1) the test server certificate carries. */
export const TLS_SERVERNAME = 'turn.lab.test';

/**
 * A throwaway CA and a server certificate it signs (P-256), made with openssl in `dir`:
 * a real chain, so the client verifies it exactly as it would Expressway-E's.
 */
function makePki(dir: string): { caPem: string; caFile: string; cert: string; key: string } {
  const f = (n: string): string => join(dir, n);
  const ossl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ossl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=cms-doctor coturn test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  ossl('req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', `/CN=${TLS_SERVERNAME}`);
  writeFileSync(
    f('server.ext'),
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${TLS_SERVERNAME},IP:127.0.0.1\n`,
  );
  ossl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('server.ext'),
    '-out',
    f('server.pem'),
  );
  return { caPem: readFileSync(f('ca.pem'), 'utf8'), caFile: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
}

/** Whether a TLS handshake with the listener completes (its certificate is verified). */
async function answersTls(port: number, caPem: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername: TLS_SERVERNAME, ca: [caPem] });
    const t = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, 500);
    s.once('secureConnect', () => {
      clearTimeout(t);
      s.end();
      resolve(true);
    });
    s.once('error', () => {
      clearTimeout(t);
      resolve(false);
    });
  });
}

async function freePort(): Promise<number> {
  // A port free for both UDP and TCP on loopback.
  for (let i = 0; i < 20; i++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net
        .createServer()
        .once('error', () => resolve(false))
        .listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    const okUdp =
      ok &&
      (await new Promise<boolean>((resolve) => {
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
      s.on('message', (m) => {
        try {
          if (decodeMessage(m).transactionId.equals(tid)) {
            clearTimeout(t);
            resolve(true);
          }
        } catch {
          /* not ours */
        }
      });
      s.on('error', () => undefined);
      s.send(encodeMessage({ method: 1, cls: 'request', transactionId: tid, attributes: [] }), port, '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

/**
 * Starts coturn on loopback with one long-term user (turnuser:cisco, realm example); waits until
 * it answers. With `tls: true` it also listens for TLS on a second port with a certificate for
 * TLS_SERVERNAME signed by a CA made for the run (needs openssl). With `noAuth: true` it has no
 * users and allocates without a challenge.
 */
export async function startCoturn(opts: { tls?: boolean; noAuth?: boolean } = {}): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), 'cmsd-coturn-'));
  const port = await freePort();
  const pki = opts.tls ? makePki(dir) : undefined;
  const tlsPort = pki ? await freePort() : 0;
  const base = 40000 + Math.floor(Math.random() * 200) * 100;
  const relayRange: [number, number] = [base, base + 99];
  const args = [
    '-n',
    '--listening-ip=127.0.0.1',
    `--listening-port=${port}`,
    '--relay-ip=127.0.0.1',
    // --no-auth: an open relay, that allocates to anyone (what turn/unauthenticated-allocation reports).
    ...(opts.noAuth ? ['--no-auth'] : ['--lt-cred-mech', '--user=turnuser:cisco', '--realm=example']),
    ...(pki ? [`--tls-listening-port=${tlsPort}`, `--cert=${pki.cert}`, `--pkey=${pki.key}`] : ['--no-tls']),
    '--no-dtls',
    '--no-cli',
    '--allow-loopback-peers',
    '--log-file=stdout',
    '--simple-log',
    `--min-port=${relayRange[0]}`,
    `--max-port=${relayRange[1]}`,
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--userdb=${join(dir, 'turndb')}`,
  ];
  const child: ChildProcess = spawn('turnserver', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  child.stderr?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
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
    if (!(await answersBinding(port))) continue;
    if (!pki) return { port, relayRange, stop };
    if (await answersTls(tlsPort, pki.caPem))
      return { port, relayRange, tls: { port: tlsPort, caPem: pki.caPem, caFile: pki.caFile, servername: TLS_SERVERNAME }, stop };
  }
  await stop();
  throw new Error(`coturn did not start on 127.0.0.1:${port}: ${output}`);
}
