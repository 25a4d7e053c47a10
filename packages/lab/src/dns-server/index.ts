import type { Socket } from 'node:net';
import { Packet, TCPServer, UDPServer } from 'dns2';

/** A record the lab server answers with. Names are matched case-insensitively, without the root dot. */
export type LabRecord =
  | { name: string; type: 'A' | 'AAAA' | 'CNAME'; value: string; ttl?: number }
  | { name: string; type: 'SRV'; priority: number; weight: number; port: number; target: string; ttl?: number };

/**
 * How the server misbehaves:
 * - `silent`: never answers (UDP or TCP);
 * - `servfail` / `nxdomain` / `refused`: that rcode for every question;
 * - `truncate-udp`: UDP answers carry TC and no records, TCP answers in full;
 * - `tcp-silent`: UDP answers are truncated as above and TCP accepts the connection but never
 *   answers, so a client that falls back to TCP must time out on its own.
 */
export type LabDnsFault = 'none' | 'silent' | 'servfail' | 'nxdomain' | 'refused' | 'tcp-silent' | 'truncate-udp';

export interface LabDnsOptions {
  /** A loopback address: 127.x.y.z or ::1. */
  host: string;
  /** 0 or absent: a free port (the same one for UDP and TCP). */
  port?: number;
  records: readonly LabRecord[];
  fault?: LabDnsFault;
  /** Added before every answer, to simulate a distant resolver (benchmarks). */
  delayMs?: number;
  /** Put in-zone CNAME targets' records into the answer, as an authoritative server does. Default true. */
  followCname?: boolean;
}

export interface LabDnsQuery {
  transport: 'udp' | 'tcp';
  name: string;
  type: string;
}

export interface LabDns {
  host: string;
  port: number;
  /** Every question received, in order. */
  readonly queries: readonly LabDnsQuery[];
  close(): Promise<void>;
}

type Msg = ReturnType<typeof Packet.parse>;
/** dns2 3.0.0 (the release that runs on Node 20) has no `Packet.typeName`. */
const TYPE_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(Packet.TYPE).map(([k, v]) => [v as number, k]));
const typeName = (code: number): string => TYPE_NAMES.get(code) ?? `TYPE${code}`;
/** RFC 1035 §4.1.1 response codes (dns2 3.0.0's types do not declare `Packet.RCODE`). */
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;
const norm = (n: string): string => n.replace(/\.$/, '').toLowerCase();

function toResource(r: LabRecord): Record<string, unknown> {
  const base = { name: norm(r.name), type: Packet.TYPE[r.type], class: Packet.CLASS.IN, ttl: r.ttl ?? 300 };
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return { ...base, address: r.value };
    case 'CNAME':
      return { ...base, domain: norm(r.value) };
    case 'SRV':
      return { ...base, priority: r.priority, weight: r.weight, port: r.port, target: norm(r.target) };
  }
}

/** Authoritative answer for one question from the record list. Exported for tests. */
export function answerFor(
  records: readonly LabRecord[],
  qname: string,
  qtype: number,
  followCname = true,
): { rcode: number; answers: Record<string, unknown>[] } {
  const type = typeName(qtype);
  const answers: Record<string, unknown>[] = [];
  let name = norm(qname);
  if (!records.some((r) => norm(r.name) === name)) return { rcode: RCODE.NXDOMAIN, answers };
  for (let hop = 0; hop < 8; hop++) {
    const here = records.filter((r) => norm(r.name) === name);
    const exact = here.filter((r) => r.type === type);
    if (exact.length > 0) {
      answers.push(...exact.map(toResource));
      break;
    }
    const cname = here.find((r) => r.type === 'CNAME');
    if (!cname || cname.type !== 'CNAME') break;
    answers.push(toResource(cname));
    if (!followCname) break;
    name = norm(cname.value);
  }
  return { rcode: RCODE.NOERROR, answers };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts an authoritative test DNS server on one loopback address, UDP and TCP on the
 * same port. Unknown names get NXDOMAIN; `fault` injects the failures the checks must survive.
 */
export async function startLabDns(opts: LabDnsOptions): Promise<LabDns> {
  const fault = opts.fault ?? 'none';
  const queries: LabDnsQuery[] = [];
  const sockets = new Set<Socket>();

  const respond =
    (transport: 'udp' | 'tcp') =>
    async (request: Msg, send: (m: Msg) => unknown): Promise<void> => {
      const q = request.questions[0];
      queries.push({ transport, name: norm(q?.name ?? ''), type: typeName(q?.type ?? 0) });
      if (fault === 'silent' || (fault === 'tcp-silent' && transport === 'tcp')) return;
      if (opts.delayMs) await sleep(opts.delayMs);
      const res = Packet.createResponseFromRequest(request);
      res.header.aa = 1;
      if ((fault === 'truncate-udp' || fault === 'tcp-silent') && transport === 'udp') {
        res.header.tc = 1;
      } else if (fault === 'servfail') {
        res.header.rcode = RCODE.SERVFAIL;
        res.header.aa = 0;
      } else if (fault === 'refused') {
        res.header.rcode = RCODE.REFUSED;
        res.header.aa = 0;
      } else if (fault === 'nxdomain') {
        res.header.rcode = RCODE.NXDOMAIN;
      } else if (q) {
        const { rcode, answers } = answerFor(opts.records, q.name, q.type, opts.followCname ?? true);
        res.header.rcode = rcode;
        res.answers.push(...(answers as never[]));
      }
      try {
        await send(res);
      } catch {
        // The client went away (a test closed its socket): nothing to answer.
      }
    };

  const make = (): { udp: InstanceType<typeof UDPServer>; tcp: InstanceType<typeof TCPServer> } => {
    const udp = new UDPServer({ type: opts.host.includes(':') ? 'udp6' : 'udp4' });
    udp.on('request', respond('udp'));
    const tcp = new TCPServer();
    tcp.on('request', respond('tcp'));
    tcp.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    // A handler error must not crash the test process.
    udp.on('requestError', () => undefined);
    tcp.on('requestError', () => undefined);
    return { udp, tcp };
  };

  // Bind UDP first, then TCP on the port UDP got. With port 0 that TCP port may be taken: retry.
  // dns2's own listen() passes `address` to net.Server.listen, which wants `host` (it bound `::`).
  let servers = make();
  for (let attempt = 0; ; attempt++) {
    const { udp, tcp } = servers;
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(opts.port ?? 0, opts.host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ port: udp.address().port, host: opts.host }, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      break;
    } catch (e) {
      await new Promise<void>((r) => udp.close(() => r()));
      if (opts.port || attempt >= 20 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      servers = make();
    }
  }
  const { udp, tcp } = servers;
  const port = udp.address().port;
  let closed: Promise<void> | undefined;
  return {
    host: opts.host,
    port,
    queries,
    close() {
      closed ??= (async () => {
        for (const s of sockets) s.destroy();
        await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
      })();
      return closed;
    },
  };
}
