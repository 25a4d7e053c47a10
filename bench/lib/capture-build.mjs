// Builds a large classic pcap (Ethernet, microsecond timestamps) by repeating the packets of the
// real captures in fixtures/stun, for the capture row of the whole-process bench.
//
// Each repetition moves the timestamps forward and shifts the TCP sequence/acknowledgement numbers,
// so a repeated TCP conversation is a new conversation, not a retransmission: repeated verbatim,
// tshark (and any reassembler) drops the second copy's TCP payloads as retransmissions and the
// counts could not be compared. UDP needs no rewriting.
//
// The reader here is the bench's own (pcap and pcapng, Ethernet only), not packages/turn's: the
// bench must keep building its input while the packages change.
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const CAPTURE_SOURCES = [
  'nDPI_stun.pcap',
  'nDPI_stun_signal.pcapng',
  'nDPI_stun_dtls_rtp.pcapng',
  'zeek-spicy-stun_stun-ice-testcall.pcap',
  'nDPI_teams.pcap',
];
const LINKTYPE_ETHERNET = 1;
/** Forward by 2^28 per copy: under 2^31, so sequence arithmetic reads it as ahead, not behind. */
const TCP_SEQ_STEP = 0x10000000;

/** Every packet of a classic pcap: { linkType, time (s), data }. */
function* readPcap(buf) {
  const magicLE = buf.readUInt32LE(0);
  const le = magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d;
  const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const magic = u32(0);
  const nano = magic === 0xa1b23c4d;
  const linkType = u32(20) & 0x0fffffff;
  for (let at = 24; at + 16 <= buf.length;) {
    const caplen = u32(at + 8);
    const time = u32(at) + u32(at + 4) / (nano ? 1e9 : 1e6);
    yield { linkType, time, data: buf.subarray(at + 16, at + 16 + caplen) };
    at += 16 + caplen;
  }
}

/** Every packet of a pcapng (EPB and SPB blocks), times from each interface's resolution. */
function* readPcapng(buf) {
  let le = true;
  let ifaces = [];
  for (let at = 0; at + 12 <= buf.length;) {
    if (buf.readUInt32LE(at) === 0x0a0d0d0a) {
      le = buf.readUInt32LE(at + 8) === 0x1a2b3c4d;
      ifaces = [];
    }
    const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
    const u16 = (o) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
    const type = u32(at);
    const len = u32(at + 4);
    if (len < 12) break;
    const body = at + 8;
    if (type === 1) {
      let resolution = 1e-6;
      for (let o = body + 8; o + 4 <= at + len - 4;) {
        const code = u16(o);
        const olen = u16(o + 2);
        if (code === 0) break;
        if (code === 9) {
          const r = buf[o + 4];
          resolution = r & 0x80 ? 2 ** -(r & 0x7f) : 10 ** -(r & 0x7f);
        }
        o += 4 + Math.ceil(olen / 4) * 4;
      }
      ifaces.push({ linkType: u16(body), resolution });
    } else if (type === 6) {
      const iface = ifaces[u32(body)];
      const ts = u32(body + 4) * 2 ** 32 + u32(body + 8);
      const caplen = u32(body + 12);
      yield { linkType: iface.linkType, time: ts * iface.resolution, data: buf.subarray(body + 20, body + 20 + caplen) };
    } else if (type === 3) {
      const caplen = Math.min(u32(body), len - 16);
      yield { linkType: ifaces[0].linkType, time: undefined, data: buf.subarray(body + 4, body + 4 + caplen) };
    }
    at += len;
  }
}

/** Offset of the TCP header in an Ethernet frame (VLAN tags, IPv4 options, plain IPv6), or -1. */
function tcpOffset(d) {
  if (d.length < 34) return -1;
  let at = 12;
  let type = d.readUInt16BE(at);
  while ((type === 0x8100 || type === 0x88a8) && d.length >= at + 6) {
    at += 4;
    type = d.readUInt16BE(at);
  }
  at += 2;
  let tcp = -1;
  if (type === 0x0800 && d.length >= at + 20 && d[at + 9] === 6 && (d.readUInt16BE(at + 6) & 0x1fff) === 0) tcp = at + (d[at] & 0x0f) * 4;
  if (type === 0x86dd && d.length >= at + 40 && d[at + 6] === 6) tcp = at + 40;
  return tcp >= 0 && d.length >= tcp + 20 ? tcp : -1;
}

/**
 * The Ethernet packets of the sources with times relative to one copy's start. Some nDPI files
 * merge captures years apart: gaps over a minute (or unknown) between packets become one second.
 */
export function loadCaptureSources(dir) {
  const packets = [];
  let rel = 0;
  for (const name of CAPTURE_SOURCES) {
    const buf = readFileSync(join(dir, name));
    const read = buf.readUInt32LE(0) === 0x0a0d0d0a ? readPcapng : readPcap;
    let prev;
    for (const p of read(buf)) {
      if (p.linkType !== LINKTYPE_ETHERNET) continue;
      const gap = prev === undefined || p.time === undefined ? 1 : p.time - prev;
      rel += gap >= 0 && gap <= 60 ? gap : 1;
      if (p.time !== undefined) prev = p.time;
      packets.push({ data: Buffer.from(p.data), rel, tcp: tcpOffset(p.data) });
    }
  }
  if (packets.length === 0) throw new Error(`no Ethernet packets in ${dir}`);
  return { packets, period: Math.ceil(rel) + 1 };
}

/** Writes `file` with whole copies of the sources until it holds at least `targetBytes`. */
export function buildCapture(file, targetBytes, { packets, period }) {
  const fd = openSync(file, 'w');
  try {
    const g = Buffer.alloc(24);
    g.writeUInt32LE(0xa1b2c3d4, 0);
    g.writeUInt16LE(2, 4);
    g.writeUInt16LE(4, 6);
    g.writeUInt32LE(262144, 16);
    g.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    writeSync(fd, g);
    let written = 24;
    let copies = 0;
    while (written < targetBytes) {
      const recs = [];
      const shift = (copies * TCP_SEQ_STEP) >>> 0;
      for (const p of packets) {
        const t = 1_700_000_000 + copies * period + p.rel;
        const h = Buffer.alloc(16);
        const sec = Math.floor(t);
        h.writeUInt32LE(sec, 0);
        h.writeUInt32LE(Math.min(999_999, Math.round((t - sec) * 1e6)), 4);
        h.writeUInt32LE(p.data.length, 8);
        h.writeUInt32LE(p.data.length, 12);
        let d = p.data;
        if (p.tcp >= 0 && copies > 0) {
          d = Buffer.from(d);
          d.writeUInt32BE((d.readUInt32BE(p.tcp + 4) + shift) >>> 0, p.tcp + 4);
          if (d[p.tcp + 13] & 0x10) d.writeUInt32BE((d.readUInt32BE(p.tcp + 8) + shift) >>> 0, p.tcp + 8);
        }
        recs.push(h, d);
      }
      const chunk = Buffer.concat(recs);
      writeSync(fd, chunk);
      written += chunk.length;
      copies += 1;
    }
    fsyncSync(fd); // no background writeback competing with the measurements
    return { bytes: written, copies };
  } finally {
    closeSync(fd);
  }
}
