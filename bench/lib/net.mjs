// The network side of the probe rows: a closed loopback UDP port and how long loopback takes to
// say it is closed (ICMP port unreachable, seen as ECONNREFUSED on a connected socket).
import dgram from 'node:dgram';
import { median } from './measure.mjs';

/** A UDP port on 127.0.0.1 with nothing listening (bound once to get a free number, then closed). */
export async function closedUdpPort() {
  const s = dgram.createSocket('udp4');
  await new Promise((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Milliseconds from sending one datagram to `port` until the ICMP answer arrives (median of n). */
export async function icmpRefusalMs(port, n = 9) {
  const times = [];
  for (let i = 0; i < n; i += 1) {
    const s = dgram.createSocket('udp4');
    await new Promise((resolve) => s.connect(port, '127.0.0.1', resolve));
    times.push(
      await new Promise((resolve, reject) => {
        const t0 = process.hrtime.bigint();
        const timer = setTimeout(() => reject(new Error(`no ICMP answer from 127.0.0.1:${port} within 1 s`)), 1000);
        s.once('error', () => {
          clearTimeout(timer);
          resolve(Number(process.hrtime.bigint() - t0) / 1e6);
        });
        s.send(Buffer.alloc(20));
      }),
    );
    await new Promise((resolve) => s.close(resolve));
  }
  return median(times);
}
