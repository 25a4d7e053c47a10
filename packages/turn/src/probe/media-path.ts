import dgram from 'node:dgram';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { METHOD } from '../codec/constants.js';
import { fmtAddress, readFacts } from '../codec/attributes.js';
import type { StunClient } from '../client/client.js';

export interface MediaPathResult {
  /** `returned`: our datagram came back as a Data indication; `not-returned`: it never did. */
  outcome: 'returned' | 'not-returned' | 'permission-refused' | 'skipped';
  detail: string;
  /** Where the datagram was sent (relayed address:port). */
  target?: string;
  /** Datagrams sent (they are retried, UDP being lossy). */
  sent: number;
  /** ms from the first datagram to the Data indication. */
  rttMs?: number;
  /** The peer address the server reported in the Data indication (our second socket as it saw it). */
  seenFrom?: string;
  permissionCode?: number;
  waitedMs?: number;
}

export interface MediaPathOptions {
  timeoutMs: number;
  /** Resend interval, ms. */
  intervalMs?: number;
  deadline?: number;
  signal?: AbortSignal;
}

/**
 * Sends a random token from a second local UDP socket straight to the relayed
 * transport address and waits for the TURN server to hand it to the allocation's
 * client as a Data indication. It arriving proves inbound UDP to the media port
 * range reaches the relay from where this tool runs; the permission for our own
 * mapped address must already be installed.
 */
export async function testMediaPath(
  client: StunClient,
  target: { address: string; port: number },
  opts: MediaPathOptions,
): Promise<MediaPathResult> {
  const token = Buffer.concat([Buffer.from('cms-doctor media path '), randomBytes(16)]);
  const family = net.isIPv6(target.address) ? 'udp6' : 'udp4';
  const socket = dgram.createSocket(family);
  socket.on('error', () => undefined); // ICMP errors: the timeout decides
  const to = fmtAddress(target);
  const budget = Math.max(0, Math.min(opts.timeoutMs, opts.deadline === undefined ? Infinity : opts.deadline - Date.now()));
  const started = performance.now();
  let sent = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return await new Promise<MediaPathResult>((resolve) => {
      const finish = (r: MediaPathResult): void => {
        clearInterval(resend);
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onTimeout);
        resolve(r);
      };
      const onTimeout = (): void =>
        finish({
          outcome: 'not-returned',
          detail: `no Data indication within ${budget} ms after ${sent} datagram(s) to ${to}`,
          target: to,
          sent,
          waitedMs: Math.round(performance.now() - started),
        });
      client.onIndication((m) => {
        if (m.method !== METHOD.Data) return;
        const f = readFacts(m);
        if (!f.data || !f.data.equals(token)) return;
        finish({
          outcome: 'returned',
          detail: `datagram to ${to} came back as a Data indication`,
          target: to,
          sent,
          rttMs: Math.round((performance.now() - started) * 10) / 10,
          ...(f.peer ? { seenFrom: fmtAddress(f.peer) } : {}),
        });
      });
      const send = (): void => {
        sent++;
        socket.send(token, target.port, target.address);
      };
      if (opts.signal?.aborted) return onTimeout();
      opts.signal?.addEventListener('abort', onTimeout, { once: true });
      send();
      const resend = setInterval(send, opts.intervalMs ?? 250);
      const timer = setTimeout(onTimeout, budget);
    });
  } finally {
    socket.close();
  }
}
