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

const CHUNK = 1 << 20;
const MAX_BLOCK = 64 << 20;

const parseError = (message: string, offset: number, field: string): CmsDoctorError =>
  new CmsDoctorError('CMSD_PARSE', message, { place: { offset, field } });

/** Reads a file in chunks through a file handle: memory stays flat whatever the file size. */
class ChunkReader {
  private buf = Buffer.alloc(0);
  private pos = 0;
  /** File offset of buf[0]. */
  base = 0;
  private eof = false;
  constructor(private readonly fh: import('node:fs/promises').FileHandle, private fileOffset = 0) {}

  /** Ensures `n` bytes are available at the cursor; false at a clean end of file. */
  async need(n: number): Promise<boolean> {
    while (this.buf.length - this.pos < n) {
      if (this.eof) return false;
      const chunk = Buffer.allocUnsafe(Math.max(CHUNK, n));
      const { bytesRead } = await this.fh.read(chunk, 0, chunk.length, this.fileOffset);
      if (bytesRead === 0) { this.eof = true; continue; }
      this.fileOffset += bytesRead;
      const rest = this.buf.subarray(this.pos);
      this.base += this.pos;
      this.buf = rest.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([rest, chunk.subarray(0, bytesRead)]);
      this.pos = 0;
    }
    return true;
  }
  /** Whether `n` bytes are buffered now (no I/O). */
  has(n: number): boolean {
    return this.buf.length - this.pos >= n;
  }
  /** A view of the next `n` bytes (call `need` first); the cursor moves past them. */
  take(n: number): Buffer {
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  peek(n: number): Buffer {
    return this.buf.subarray(this.pos, this.pos + n);
  }
  get offset(): number {
    return this.base + this.pos;
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
}

/** Streams packets from a pcap or pcapng file (format by magic number, never by name). */
export async function* readCapture(path: string): AsyncGenerator<CapturedPacket> {
  for await (const batch of readCaptureBatches(path)) yield* batch;
}

/**
 * The same, a chunk's worth of packets at a time: parsing within a chunk is synchronous,
 * which is what makes a large capture fast (one await per chunk, not per packet).
 */
export async function* readCaptureBatches(path: string): AsyncGenerator<CapturedPacket[]> {
  const fh = await open(path, 'r');
  try {
    const r = new ChunkReader(fh);
    if (!(await r.need(12))) throw parseError('file too short for a capture header', 0, 'magic');
    const format = captureFormat(r.peek(12));
    if (format === 'pcap') yield* readPcap(r);
    else if (format === 'pcapng') yield* readPcapng(r);
    else throw parseError('not a pcap or pcapng file (unknown magic number)', 0, 'magic');
  } finally {
    await fh.close();
  }
}

async function* readPcap(r: ChunkReader): AsyncGenerator<CapturedPacket[]> {
  if (!(await r.need(24))) throw parseError('pcap global header truncated', 0, 'header');
  const h = r.take(24);
  const magicBE = h.readUInt32BE(0);
  const le = magicBE === 0xd4c3b2a1 || magicBE === 0x4d3cb2a1;
  const nano = magicBE === 0xa1b23c4d || magicBE === 0x4d3cb2a1;
  const u32 = (b: Buffer, o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const linkType = u32(h, 20) & 0x0fffffff;
  const div = nano ? 1e9 : 1e6;
  let frame = 0;
  let batch: CapturedPacket[] = [];
  for (;;) {
    if (!r.has(16)) {
      if (batch.length > 0) { yield batch; batch = []; }
      if (!(await r.need(16))) {
        if (r.remaining > 0) throw parseError('pcap record header truncated', r.offset, 'record');
        return;
      }
    }
    const at = r.offset;
    const rec = r.take(16);
    const sec = u32(rec, 0);
    const frac = u32(rec, 4);
    const incl = u32(rec, 8);
    const orig = u32(rec, 12);
    if (incl > MAX_BLOCK) throw parseError(`pcap record length ${incl} is implausible`, at + 8, 'incl_len');
    if (!r.has(incl)) {
      if (batch.length > 0) { yield batch; batch = []; }
      if (!(await r.need(incl))) throw parseError('pcap record data truncated', r.offset, 'record');
    }
    batch.push({ frame: ++frame, linkType, time: sec + frac / div, data: r.take(incl), originalLength: orig });
  }
}

interface Iface {
  linkType: number;
  /** Units per second. */
  resolution: number;
}

function tsResolution(options: Buffer, le: boolean): number {
  let o = 0;
  while (o + 4 <= options.length) {
    const code = le ? options.readUInt16LE(o) : options.readUInt16BE(o);
    const len = le ? options.readUInt16LE(o + 2) : options.readUInt16BE(o + 2);
    if (code === 0) break;
    if (code === 9 && len >= 1 && o + 4 < options.length) {
      const v = options[o + 4]!;
      return v & 0x80 ? 2 ** (v & 0x7f) : 10 ** (v & 0x7f);
    }
    o += 4 + ((len + 3) & ~3);
  }
  return 1e6;
}

async function* readPcapng(r: ChunkReader): AsyncGenerator<CapturedPacket[]> {
  let le = true;
  let ifaces: Iface[] = [];
  let frame = 0;
  let batch: CapturedPacket[] = [];
  for (;;) {
    if (!r.has(12)) {
      if (batch.length > 0) { yield batch; batch = []; }
      if (!(await r.need(12))) {
        if (r.remaining > 0) throw parseError('pcapng block header truncated', r.offset, 'block');
        return;
      }
    }
    const at = r.offset;
    const head = r.peek(12);
    const typeBE = head.readUInt32BE(0);
    if (typeBE === 0x0a0d0d0a) {
      // A new section: its byte-order magic decides how to read everything up to the next one.
      const bom = head.readUInt32BE(8);
      if (bom === 0x1a2b3c4d) le = false;
      else if (bom === 0x4d3c2b1a) le = true;
      else throw parseError('pcapng section header with an unknown byte-order magic', at + 8, 'byte-order');
      ifaces = [];
    }
    const u32 = (b: Buffer, o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u16 = (b: Buffer, o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const type = u32(head, 0);
    const len = u32(head, 4);
    if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK) throw parseError(`pcapng block length ${len} is invalid`, at + 4, 'block-length');
    if (!r.has(len)) {
      if (batch.length > 0) { yield batch; batch = []; }
      if (!(await r.need(len))) throw parseError('pcapng block truncated', at, 'block');
    }
    const block = r.take(len);
    const body = block.subarray(8, len - 4);
    switch (type) {
      case 0x00000001: { // Interface Description Block
        if (body.length < 8) throw parseError('interface description block too short', at, 'idb');
        ifaces.push({ linkType: u16(body, 0), resolution: tsResolution(body.subarray(8), le) });
        break;
      }
      case 0x00000006: { // Enhanced Packet Block
        if (body.length < 20) throw parseError('enhanced packet block too short', at, 'epb');
        const iface = ifaces[u32(body, 0)];
        if (!iface) throw parseError(`packet for undeclared interface ${u32(body, 0)}`, at + 8, 'interface');
        const caplen = u32(body, 12);
        if (20 + caplen > body.length) throw parseError('packet data runs past its block', at + 20, 'caplen');
        const ts = u32(body, 4) * 2 ** 32 + u32(body, 8);
        batch.push({ frame: ++frame, linkType: iface.linkType, time: ts / iface.resolution, data: body.subarray(20, 20 + caplen), originalLength: u32(body, 16) });
        break;
      }
      case 0x00000003: { // Simple Packet Block: interface 0, no timestamp
        const iface = ifaces[0];
        if (!iface || body.length < 4) throw parseError('simple packet block without interface', at, 'spb');
        const orig = u32(body, 0);
        batch.push({ frame: ++frame, linkType: iface.linkType, time: 0, data: body.subarray(4, 4 + Math.min(orig, body.length - 4)), originalLength: orig });
        break;
      }
      case 0x00000002: { // Packet Block (obsolete)
        if (body.length < 20) throw parseError('packet block too short', at, 'pb');
        const iface = ifaces[u16(body, 0)];
        if (!iface) throw parseError('packet for undeclared interface', at + 8, 'interface');
        const caplen = u32(body, 12);
        if (20 + caplen > body.length) throw parseError('packet data runs past its block', at + 20, 'caplen');
        const ts = u32(body, 4) * 2 ** 32 + u32(body, 8);
        batch.push({ frame: ++frame, linkType: iface.linkType, time: ts / iface.resolution, data: body.subarray(20, 20 + caplen), originalLength: u32(body, 16) });
        break;
      }
      default:
        break; // name resolution, statistics, custom blocks: not needed
    }
  }
}
