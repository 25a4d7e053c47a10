import dgram from 'node:dgram';
import net from 'node:net';

/**
 * A port number free for both UDP and TCP on `host`: TURN is reached at one
 * `host:port` for both transports, as on the Expressway-E (3478/udp and 3478/tcp).
 */
export async function freeUdpTcpPort(host: string, attempts = 20): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const udp = dgram.createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, host, () => resolve(udp.address().port));
    });
    const tcp = net.createServer();
    const ok = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, host, () => resolve(true));
    });
    await new Promise<void>((r) => udp.close(() => r()));
    if (ok) {
      await new Promise<void>((r) => tcp.close(() => r()));
      return port;
    }
  }
  throw new Error(`no port free for both UDP and TCP on ${host}`);
}
