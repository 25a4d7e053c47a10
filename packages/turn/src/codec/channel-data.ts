import { CmsDoctorError } from '@cms-doctor/core';

/** TURN ChannelData (RFC 8656 §12.4): channel number 0x4000-0x7FFF, length, data. */
export interface ChannelData {
  channel: number;
  data: Buffer;
}

/** First byte 0x40-0x7F marks ChannelData when STUN and ChannelData share a flow (RFC 7983). */
export const isChannelDataStart = (firstByte: number): boolean => firstByte >= 0x40 && firstByte <= 0x7f;

/** Frame size over a stream, where ChannelData is padded to 4 bytes. */
export function channelDataFrameLength(buf: Uint8Array, stream: boolean): number | undefined {
  if (buf.length < 4 || !isChannelDataStart(buf[0]!)) return undefined;
  const len = 4 + ((buf[2]! << 8) | buf[3]!);
  return stream ? (len + 3) & ~3 : len;
}

export function decodeChannelData(input: Uint8Array): ChannelData {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length < 4)
    throw new CmsDoctorError('CMSD_PARSE', 'ChannelData shorter than its header', { place: { offset: 0, field: 'header' } });
  const channel = buf.readUInt16BE(0);
  if (!isChannelDataStart(buf[0]!))
    throw new CmsDoctorError('CMSD_PARSE', `channel number 0x${channel.toString(16)} outside 0x4000-0x7FFF`, {
      place: { offset: 0, field: 'channel' },
    });
  const length = buf.readUInt16BE(2);
  if (4 + length > buf.length)
    throw new CmsDoctorError('CMSD_PARSE', `ChannelData length ${length} runs past the ${buf.length - 4} bytes`, {
      place: { offset: 2, field: 'length' },
    });
  return { channel, data: buf.subarray(4, 4 + length) };
}

export function encodeChannelData(channel: number, data: Uint8Array): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(channel, 0);
  head.writeUInt16BE(data.length, 2);
  return Buffer.concat([head, Buffer.from(data)]);
}
