/**
 * Reading pcap and pcapng captures in place, by offsets, without an object per packet.
 * Design: docs/decisions/stun-capture-scan.md.
 */
import { readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { CmsDoctorError } from '@cms-doctor/core';

/** One captured packet. `data` is only valid until the iterator advances: copy what you keep. */
export interface CapturedPacket {
  /** 1-based, as tshark numbers frames. */
  frame: number;
  linkType: number;
  /** Seconds since the epoch, with the file's resolution (µs, ns or pcapng if_tsresol). */
  time: number;
  data: Buffer;
  originalLength: number;
}

/**
 * Receives each packet as a range of a chunk buffer the reader reuses: `buf[start, start + length)`
 * is valid only during the call. No object is made per packet, which is what keeps a large
 * capture fast and its memory flat.
 */
export type PacketSink = (
  linkType: number,
  buf: Buffer,
  start: number,
  length: number,
  frame: number,
  time: number,
  originalLength: number,
) => void;

export type CaptureFormat = 'pcap' | 'pcapng';

/** Which capture format the first 4 bytes announce, both byte orders, µs and ns pcap. */
export function captureFormat(head: Uint8Array): CaptureFormat | undefined {
  if (head.length < 4) return undefined;
  const m = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return 'pcap';
  // pcapng's Section Header Block type is a palindrome; the byte-order magic follows at offset 8.
  if (m === 0x0a0d0d0a && head.length >= 12) {
    const bom = ((head[8]! << 24) | (head[9]! << 16) | (head[10]! << 8) | head[11]!) >>> 0;
    if (bom === 0x1a2b3c4d || bom === 0x4d3c2b1a) return 'pcapng';
  }
  return undefined;
}

/**
 * Bytes read per I/O call (and parsed per step when the capture is given as bytes): small
 * enough that a chunk is still in the CPU's cache while it is parsed and scanned (4 MiB
 * chunks cost about 40 ms more per 256 MiB on this machine's walk alone), large enough that
 * the per-read cost does not show.
 */
const CHUNK = 1 << 20;
const MAX_BLOCK = 64 << 20;
/** pcap global header, record header; the magic numbers that tell a format (and pcapng's block header). */
const PCAP_HEADER = 24;
const PCAP_RECORD_HEADER = 16;
const PCAPNG_BLOCK_HEADER = 12;
/**
 * The pcap header's link-type field keeps the link type in its low 28 bits; the top four
 * carry the FCS length (pcap format, draft-ietf-opsawg-pcap), not part of the type.
 */
const PCAP_LINKTYPE_MASK = 0x0fffffff;

const parseError = (message: string, offset: number, field: string): CmsDoctorError =>
  new CmsDoctorError('CMSD_PARSE', message, { place: { offset, field } });

const be32 = (b: Buffer, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
const le32 = (b: Buffer, o: number): number => ((b[o + 3]! << 24) | (b[o + 2]! << 16) | (b[o + 1]! << 8) | b[o]!) >>> 0;
const be16 = (b: Buffer, o: number): number => (b[o]! << 8) | b[o + 1]!;
const le16 = (b: Buffer, o: number): number => (b[o + 1]! << 8) | b[o]!;

interface Iface {
  linkType: number;
  /** Units per second. */
  resolution: number;
}

function tsResolution(b: Buffer, from: number, to: number, le: boolean): number {
  let o = from;
  while (o + 4 <= to) {
    const code = le ? le16(b, o) : be16(b, o);
    const len = le ? le16(b, o + 2) : be16(b, o + 2);
    if (code === 0) break;
    if (code === 9 && len >= 1 && o + 4 < to) {
      const v = b[o + 4]!;
      return v & 0x80 ? 2 ** (v & 0x7f) : 10 ** (v & 0x7f);
    }
    o += 4 + ((len + 3) & ~3);
  }
  return 1e6;
}

/** What a file ends inside of: an index into INCOMPLETE. */
const AT_MAGIC = 0;
const AT_PCAP_HEADER = 1;
const AT_PCAP_RECORD_HEADER = 2;
const AT_PCAP_RECORD_DATA = 3;
const AT_PCAPNG_BLOCK_HEADER = 4;
const AT_PCAPNG_BLOCK = 5;
/** Messages for a file that ends inside a record: [message, field, offset from the record start]. */
const INCOMPLETE: readonly (readonly [string, string, number])[] = [
  ['file too short for a capture header', 'magic', 0],
  ['pcap global header truncated', 'header', 0],
  ['pcap record header truncated', 'record', 0],
  ['pcap record data truncated', 'record', PCAP_RECORD_HEADER],
  ['pcapng block header truncated', 'block', 0],
  ['pcapng block truncated', 'block', 0],
];

/**
 * Walks the records of a pcap or pcapng file held in a buffer, by offsets. `run` hands every
 * complete record to the sink and returns where the first incomplete one starts; `need` then
 * says how many bytes that record takes, `incomplete` what to report if the file ends there.
 */
class RecordParser {
  format: CaptureFormat | undefined;
  need = PCAPNG_BLOCK_HEADER;
  /**
   * What the first incomplete record is (an index into INCOMPLETE) and where it starts: plain
   * numbers, set on the way out of the hot loops (an object built there costs a deoptimisation).
   */
  incompleteKind = AT_MAGIC;
  incompleteAt = 0;
  get incomplete(): { message: string; field: string; at: number } {
    const [message, field, skip] = INCOMPLETE[this.incompleteKind]!;
    return { message, field, at: this.incompleteAt + skip };
  }
  private le = true;
  private div = 1e6;
  private linkType = 0;
  private ifaces: Iface[] = [];
  private frame = 0;

  /** `base` is the file offset of buf[0]. */
  run(buf: Buffer, pos: number, end: number, base: number, sink: PacketSink): number {
    if (this.format === undefined) {
      if (end - pos < PCAPNG_BLOCK_HEADER) return pos;
      const format = captureFormat(buf.subarray(pos, pos + PCAPNG_BLOCK_HEADER));
      if (format === undefined) throw parseError('not a pcap or pcapng file (unknown magic number)', 0, 'magic');
      if (format === 'pcap') {
        this.need = PCAP_HEADER;
        this.incompleteKind = AT_PCAP_HEADER;
        this.incompleteAt = 0;
        if (end - pos < PCAP_HEADER) return pos;
        const magicBE = be32(buf, pos);
        this.le = magicBE === 0xd4c3b2a1 || magicBE === 0x4d3cb2a1;
        this.div = magicBE === 0xa1b23c4d || magicBE === 0x4d3cb2a1 ? 1e9 : 1e6;
        this.linkType = (this.le ? le32(buf, pos + 20) : be32(buf, pos + 20)) & PCAP_LINKTYPE_MASK;
        pos += PCAP_HEADER;
      }
      this.format = format;
    }
    return this.format === 'pcap' ? this.pcap(buf, pos, end, base, sink) : this.pcapng(buf, pos, end, base, sink);
  }

  private pcap(buf: Buffer, pos: number, end: number, base: number, sink: PacketSink): number {
    const le = this.le;
    const div = this.div;
    const linkType = this.linkType;
    for (;;) {
      if (end - pos < PCAP_RECORD_HEADER) {
        this.need = PCAP_RECORD_HEADER;
        this.incompleteKind = AT_PCAP_RECORD_HEADER;
        this.incompleteAt = base + pos;
        return pos;
      }
      const incl = le ? le32(buf, pos + 8) : be32(buf, pos + 8);
      if (incl > MAX_BLOCK) throw parseError(`pcap record length ${incl} is implausible`, base + pos + 8, 'incl_len');
      if (end - pos < PCAP_RECORD_HEADER + incl) {
        this.need = PCAP_RECORD_HEADER + incl;
        this.incompleteKind = AT_PCAP_RECORD_DATA;
        this.incompleteAt = base + pos;
        return pos;
      }
      const sec = le ? le32(buf, pos) : be32(buf, pos);
      const frac = le ? le32(buf, pos + 4) : be32(buf, pos + 4);
      const orig = le ? le32(buf, pos + 12) : be32(buf, pos + 12);
      sink(linkType, buf, pos + PCAP_RECORD_HEADER, incl, ++this.frame, sec + frac / div, orig);
      pos += PCAP_RECORD_HEADER + incl;
    }
  }

  private pcapng(buf: Buffer, pos: number, end: number, base: number, sink: PacketSink): number {
    for (;;) {
      if (end - pos < PCAPNG_BLOCK_HEADER) {
        this.need = PCAPNG_BLOCK_HEADER;
        this.incompleteKind = AT_PCAPNG_BLOCK_HEADER;
        this.incompleteAt = base + pos;
        return pos;
      }
      const at = base + pos;
      if (be32(buf, pos) === 0x0a0d0d0a) {
        // A new section: its byte-order magic decides how to read everything up to the next one.
        const bom = be32(buf, pos + 8);
        if (bom === 0x1a2b3c4d) this.le = false;
        else if (bom === 0x4d3c2b1a) this.le = true;
        else throw parseError('pcapng section header with an unknown byte-order magic', at + 8, 'byte-order');
        this.ifaces = [];
      }
      const le = this.le;
      const u32 = le ? le32 : be32;
      const u16 = le ? le16 : be16;
      const type = u32(buf, pos);
      const len = u32(buf, pos + 4);
      if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK) throw parseError(`pcapng block length ${len} is invalid`, at + 4, 'block-length');
      if (end - pos < len) {
        this.need = len;
        this.incompleteKind = AT_PCAPNG_BLOCK;
        this.incompleteAt = at;
        return pos;
      }
      const body = pos + 8;
      const bodyLen = len - 12;
      switch (type) {
        case 0x00000001: {
          // Interface Description Block
          if (bodyLen < 8) throw parseError('interface description block too short', at, 'idb');
          this.ifaces.push({ linkType: u16(buf, body), resolution: tsResolution(buf, body + 8, body + bodyLen, le) });
          break;
        }
        case 0x00000006: // Enhanced Packet Block
        case 0x00000002: {
          // Packet Block (obsolete): a 16-bit interface id, then the same layout
          const name = type === 6 ? 'enhanced packet block' : 'packet block';
          if (bodyLen < 20) throw parseError(`${name} too short`, at, type === 6 ? 'epb' : 'pb');
          const id = type === 6 ? u32(buf, body) : u16(buf, body);
          const iface = this.ifaces[id];
          if (!iface)
            throw parseError(type === 6 ? `packet for undeclared interface ${id}` : 'packet for undeclared interface', at + 8, 'interface');
          const caplen = u32(buf, body + 12);
          if (20 + caplen > bodyLen) throw parseError('packet data runs past its block', at + 20, 'caplen');
          const ts = u32(buf, body + 4) * 2 ** 32 + u32(buf, body + 8);
          sink(iface.linkType, buf, body + 20, caplen, ++this.frame, ts / iface.resolution, u32(buf, body + 16));
          break;
        }
        case 0x00000003: {
          // Simple Packet Block: interface 0, no timestamp
          const iface = this.ifaces[0];
          if (!iface || bodyLen < 4) throw parseError('simple packet block without interface', at, 'spb');
          const orig = u32(buf, body);
          sink(iface.linkType, buf, body + 4, Math.min(orig, bodyLen - 4), ++this.frame, 0, orig);
          break;
        }
        default:
          break; // name resolution, statistics, custom blocks: not needed
      }
      pos += len;
    }
  }
}

/** Room before each chunk for the unparsed end of the previous one (a record cut in two). */
const TAIL = 1 << 20;

/** Reads up to CHUNK bytes at `fileOffset` into `buf[at..]`; fewer only at the end of the file. */
function fill(fd: number, buf: Buffer, at: number, fileOffset: number): number {
  let n = 0;
  while (n < CHUNK) {
    const bytesRead = readSync(fd, buf, at + n, CHUNK - n, fileOffset + n);
    if (bytesRead === 0) break;
    n += bytesRead;
  }
  return n;
}

/**
 * Reads the file a chunk at a time into one reused buffer and parses each chunk
 * synchronously (one yield per chunk, not per packet). The reads are synchronous: a 1 MiB
 * read from the page cache takes about 0.1 ms, less than the thread-pool round trip of an
 * async read, and the chunk is then still in the CPU cache when it is parsed and scanned
 * (the earlier two 4 MiB buffers with the next read in flight spent more time on cache misses
 * than the overlap saved; see the decision note). Yields after each chunk, while every packet
 * handed to the sink so far is still in the buffer; the next step overwrites it.
 */
async function* parseChunks(source: CaptureSource, sink: PacketSink): AsyncGenerator<CaptureFormat | undefined> {
  if (typeof source !== 'string') {
    yield* parseBytes(source, sink);
    return;
  }
  const fh = await open(source, 'r');
  try {
    const parser = new RecordParser();
    let buf = Buffer.allocUnsafe(TAIL + CHUNK);
    // The unparsed end of the previous chunk is buf[start, end); `base` is the file offset of buf[0].
    let start = TAIL;
    let end = TAIL;
    let base = -TAIL;
    let readOffset = 0;
    for (;;) {
      const tailLen = end - start;
      let ws = TAIL - tailLen;
      if (tailLen > TAIL) {
        // A record larger than the tail room: a buffer of its own (rare; snap lengths are 256 KiB).
        const big = Buffer.allocUnsafe(tailLen + CHUNK);
        buf.copy(big, 0, start, end);
        buf = big;
        ws = 0;
      } else if (buf.length !== TAIL + CHUNK) {
        const back = Buffer.allocUnsafe(TAIL + CHUNK);
        buf.copy(back, ws, start, end);
        buf = back;
      } else {
        buf.copy(buf, ws, start, end); // overlapping: Buffer#copy moves like memmove
      }
      base += start - ws;
      const n = fill(fh.fd, buf, ws + tailLen, readOffset);
      readOffset += n;
      const we = ws + tailLen + n;
      start = parser.run(buf, ws, we, base, sink);
      end = we;
      yield parser.format;
      if (n < CHUNK) {
        if (start < we || parser.format === undefined) {
          const { message, field, at } = parser.incomplete;
          throw parseError(message, at, field);
        }
        return;
      }
    }
  } finally {
    await fh.close();
  }
}

/**
 * A capture held in memory, parsed in place CHUNK bytes at a time (a record that ends past
 * the step waits for the next one), yielding between steps like the file reader.
 */
async function* parseBytes(bytes: Uint8Array, sink: PacketSink): AsyncGenerator<CaptureFormat | undefined> {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parser = new RecordParser();
  let pos = 0;
  let end = 0;
  do {
    end = Math.min(buf.length, end + CHUNK);
    pos = parser.run(buf, pos, end, 0, sink);
    yield parser.format;
  } while (end < buf.length);
  if (pos < end || parser.format === undefined) {
    const { message, field, at } = parser.incomplete;
    throw parseError(message, at, field);
  }
}

/** Longest stretch of parsing between two turns of the event loop. */
const YIELD_MS = 20;

/** A capture: a file's path, or its bytes. */
export type CaptureSource = string | Uint8Array;

/**
 * Streams every packet of a pcap or pcapng file or its bytes (format by magic number, never by name) to
 * `sink`, allocation-free per packet. Resolves with the format; rejects with CMSD_PARSE when
 * the file is not a capture or breaks off, after handing over every packet before the break.
 */
export async function scanCapture(
  source: CaptureSource,
  sink: PacketSink,
  onFormat?: (f: CaptureFormat) => void,
  signal?: AbortSignal,
): Promise<CaptureFormat> {
  let format: CaptureFormat | undefined;
  let lastTurn = performance.now();
  for await (const f of parseChunks(source, sink)) {
    // Timers get a turn every YIELD_MS of parsing (a read from the page cache may not wait),
    // so the deadline fires on time in a starved process; then it stops the scan.
    if (performance.now() - lastTurn > YIELD_MS) {
      await new Promise(setImmediate);
      lastTurn = performance.now();
    }
    if (signal?.aborted) throw signal.reason;
    if (f !== undefined && format === undefined) {
      format = f;
      onFormat?.(f);
    }
  }
  return format!;
}

/** Streams packets from a pcap or pcapng file or its bytes (format by magic number, never by name). */
export async function* readCapture(source: CaptureSource): AsyncGenerator<CapturedPacket> {
  for await (const batch of readCaptureBatches(source)) yield* batch;
}

/**
 * The same, a chunk's worth of packets at a time. The packets' `data` views the reader's
 * buffer, which the next batch overwrites: copy what you keep.
 */
export async function* readCaptureBatches(source: CaptureSource): AsyncGenerator<CapturedPacket[]> {
  let batch: CapturedPacket[] = [];
  const sink: PacketSink = (linkType, buf, start, length, frame, time, originalLength) => {
    batch.push({ frame, linkType, time, data: buf.subarray(start, start + length), originalLength });
  };
  for await (const _ of parseChunks(source, sink)) {
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
}
