import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, isIP, type Socket } from 'node:net';
import { createRequire } from 'node:module';
import { CmsDoctorError } from '@cms-doctor/core';
import { formatServer, type DnsServer } from './server-address.js';
import { firstUndecodable } from './wire-check.js';
import { normaliseName, rcodeName, srvText, type DnsRecord, type RecordType } from './record.js';

/** One DNS response, as evidence: every field is plain data. */
export interface DnsResponse {
  /** `ip:port` of the resolver asked. */
  server: string;
  name: string;
  type: RecordType;
  /** The transport that produced this answer (`tcp` after a truncated UDP answer). */
  transport: 'udp' | 'tcp';
  rcode: string;
  /** Authoritative Answer flag. */
  aa: boolean;
  /** TC flag of the answer that was kept (a UDP answer with TC set is retried over TCP). */
  tc: boolean;
  ra: boolean;
  /** The UDP answer came back truncated and TCP was used instead. */
  truncatedOverUdp?: boolean;
  answers: DnsRecord[];
  authorities: DnsRecord[];
  rttMs: number;
}

export interface QueryOptions {
  signal?: AbortSignal;
  /** Deadline of this one query (UDP and any TCP retry together). Default 3000 ms. */
  timeoutMs?: number;
  /** Interval between UDP retransmissions. Default 1000 ms. */
  retransmitMs?: number;
  /** Start over TCP (tests; `+tcp`). Default UDP with TCP fallback on truncation. */
  transport?: 'udp' | 'tcp';
  /** Ask for recursion (RD). Default true. */
  recursive?: boolean;
}

// dns2 loads on the first query, not with the module: the offline checks share this module with
// the live ones and read dig text only (docs/decisions/lazy-loading.md). Its CommonJS build keeps
// the encoders sync. About 40-65 ms to load on the 2-core machine.
type PacketClass = (typeof import('dns2'))['Packet'];
let packetClass: PacketClass | undefined;
const dnsPacket = (): PacketClass => (packetClass ??= (createRequire(import.meta.url)('dns2') as typeof import('dns2')).Packet);

type Wire = ReturnType<PacketClass['parse']>;

/**
 * Type mnemonic of a type code (`TYPE99` when unknown). dns2 3.0.0, the newest release that
 * runs on Node 20 (docs/decisions/dns-client.md), has no `Packet.typeName`.
 */
let typeNames: ReadonlyMap<number, string> | undefined;
export const typeName = (code: number): string =>
  (typeNames ??= new Map(Object.entries(dnsPacket().TYPE).map(([k, v]) => [v as number, k]))).get(code) ?? `TYPE${code}`;

const TYPE_CODES: Readonly<Record<RecordType, number>> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
};

/** Builds the query message. Pure. */
export function encodeQuery(id: number, name: string, type: RecordType, recursive = true): Buffer {
  const Packet = dnsPacket();
  const packet = new Packet();
  packet.header.id = id;
  packet.header.rd = recursive ? 1 : 0;
  packet.questions.push({ name: normaliseName(name), type: TYPE_CODES[type], class: Packet.CLASS.IN } as never);
  return packet.toBuffer();
}

/** dns2 resource -> plain record. */
export function toRecord(r: Wire['answers'][number]): DnsRecord {
  const type = typeName(r.type);
  const base = { name: normaliseName(r.name), type, ttl: r.ttl };
  switch (type) {
    case 'A':
    case 'AAAA':
      return { ...base, data: String(r.address ?? '') };
    case 'CNAME':
    case 'PTR':
      return { ...base, data: normaliseName(String(r.domain ?? '')) };
    case 'NS':
      return { ...base, data: normaliseName(String(r.ns ?? '')) };
    case 'MX':
      return { ...base, data: `${r.priority ?? 0} ${normaliseName(String(r.exchange ?? ''))}` };
    case 'SRV': {
      const rr = r as unknown as { priority: number; weight: number; port: number; target: string };
      const srv = { priority: rr.priority, weight: rr.weight, port: rr.port, target: normaliseName(rr.target) };
      return { ...base, data: srvText(srv), srv };
    }
    case 'SOA':
      return { ...base, data: `${normaliseName(String(r.primary ?? ''))} ${normaliseName(String(r.admin ?? ''))} ${r.serial ?? 0}` };
    case 'TXT':
      return { ...base, data: Array.isArray(r.data) ? r.data.join('') : String(r.data ?? '') };
    default:
      return { ...base, data: Buffer.isBuffer(r.data) ? `\\# ${r.data.length} ${r.data.toString('hex')}` : '' };
  }
}

function toResponse(server: DnsServer, name: string, type: RecordType, transport: 'udp' | 'tcp', msg: Wire, rttMs: number): DnsResponse {
  return {
    server: formatServer(server),
    name: normaliseName(name),
    type,
    transport,
    rcode: rcodeName(msg.header.rcode),
    aa: msg.header.aa === 1,
    tc: msg.header.tc === 1,
    ra: msg.header.ra === 1,
    answers: msg.answers.filter((r) => r.type !== dnsPacket().TYPE.EDNS).map(toRecord),
    authorities: msg.authorities.map(toRecord),
    rttMs,
  };
}

/** Rejects when `signal` aborts; `cleanup` runs either way. */
function guarded<T>(
  signal: AbortSignal,
  what: string,
  start: (resolve: (v: T) => void, reject: (e: Error) => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let cleanup: () => void = () => undefined;
    const finish = (): void => {
      done = true;
      signal.removeEventListener('abort', onAbort);
      cleanup();
    };
    const onAbort = (): void => {
      if (done) return;
      finish();
      const reason = signal.reason as Error | undefined;
      const timedOut = reason?.name === 'TimeoutError';
      reject(new CmsDoctorError('CMSD_TIMEOUT', `${what}: ${timedOut ? 'no answer before the deadline' : 'aborted'}`, { cause: reason }));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    cleanup = start(
      (v) => {
        if (!done) {
          finish();
          resolve(v);
        }
      },
      (e) => {
        if (!done) {
          finish();
          reject(e);
        }
      },
    );
  });
}

function udpExchange(server: DnsServer, query: Buffer, id: number, signal: AbortSignal, retransmitMs: number): Promise<Buffer> {
  return guarded<Buffer>(signal, `DNS over UDP to ${formatServer(server)}`, (resolve, reject) => {
    const sock: UdpSocket = createSocket(isIP(server.host) === 6 ? 'udp6' : 'udp4');
    const send = (): void =>
      sock.send(query, server.port, server.host, (err) => {
        if (err) reject(netError(server, 'udp', err));
      });
    sock.on('error', (err) => reject(netError(server, 'udp', err)));
    sock.on('message', (msg, rinfo) => {
      // Only the resolver we asked, with our id: a stray datagram must not pre-empt the answer.
      if (rinfo.port !== server.port || rinfo.address.toLowerCase() !== server.host.toLowerCase()) return;
      if (msg.length < 12 || msg.readUInt16BE(0) !== id) return;
      resolve(msg);
    });
    send();
    const timer = setInterval(send, retransmitMs);
    return () => {
      clearInterval(timer);
      try {
        sock.close();
      } catch {
        /* already closed */
      }
    };
  });
}

function tcpExchange(server: DnsServer, query: Buffer, id: number, signal: AbortSignal): Promise<Buffer> {
  return guarded<Buffer>(signal, `DNS over TCP to ${formatServer(server)}`, (resolve, reject) => {
    const sock: Socket = connect({ host: server.host, port: server.port });
    let buf = Buffer.alloc(0);
    sock.on('error', (err) => reject(netError(server, 'tcp', err)));
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      // RFC 1035 §4.2.2 framing; skip answers to other ids (a pipelining server may reorder).
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        if (msg.length >= 12 && msg.readUInt16BE(0) === id) return resolve(Buffer.from(msg));
      }
    });
    sock.on('end', () =>
      reject(new CmsDoctorError('CMSD_PROTOCOL', `DNS over TCP to ${formatServer(server)}: connection closed before an answer`)),
    );
    // dns2's TCPClient has no deadline; here the abort destroys the socket.
    return () => sock.destroy();
  });
}

function netError(server: DnsServer, transport: string, err: Error): CmsDoctorError {
  return new CmsDoctorError('CMSD_NETWORK', `DNS over ${transport.toUpperCase()} to ${formatServer(server)}: ${err.message}`, {
    cause: err,
  });
}

function decode(server: DnsServer, bytes: Buffer): Wire {
  let msg: Wire;
  try {
    msg = dnsPacket().parse(bytes);
  } catch (e) {
    throw new CmsDoctorError('CMSD_PROTOCOL', `undecodable answer from ${formatServer(server)}: ${(e as Error).message}`, { cause: e });
  }
  // dns2 drops a record it cannot decode (a compression-pointer loop, say) without a word; an
  // answer missing its records must not read as "NOERROR, no data".
  const lost = (['questions', 'answers'] as const).some(
    (k) => (msg[k]?.length ?? 0) < (msg.header[k === 'questions' ? 'qdcount' : 'ancount'] ?? 0),
  );
  if (lost) {
    const why = firstUndecodable(bytes) ?? 'a record the header counts could not be decoded';
    throw new CmsDoctorError('CMSD_PROTOCOL', `undecodable answer from ${formatServer(server)}: ${why}`);
  }
  return msg;
}

/**
 * Asks one resolver one question: UDP first (retransmitted), TCP when the UDP answer is
 * truncated. One deadline covers both; aborting closes the socket. Throws CMSD_TIMEOUT,
 * CMSD_NETWORK or CMSD_PROTOCOL; an NXDOMAIN or SERVFAIL answer is a response, not an error.
 */
export async function query(server: DnsServer, name: string, type: RecordType, opts: QueryOptions = {}): Promise<DnsResponse> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  const id = dnsPacket().uuid();
  const bytes = encodeQuery(id, name, type, opts.recursive ?? true);
  const started = performance.now();
  const rtt = (): number => Math.round((performance.now() - started) * 10) / 10;
  if (opts.transport !== 'tcp') {
    const msg = decode(server, await udpExchange(server, bytes, id, signal, opts.retransmitMs ?? 1000));
    if (msg.header.tc !== 1) return toResponse(server, name, type, 'udp', msg, rtt());
    const tcp = decode(server, await tcpExchange(server, bytes, id, signal));
    return { ...toResponse(server, name, type, 'tcp', tcp, rtt()), truncatedOverUdp: true };
  }
  return toResponse(server, name, type, 'tcp', decode(server, await tcpExchange(server, bytes, id, signal)), rtt());
}
