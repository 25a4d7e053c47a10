import { CmsDoctorError } from '@cms-doctor/core';
import { stunFrameLength } from '../codec/message.js';
import { channelDataFrameLength } from '../codec/channel-data.js';

export interface Frame {
  kind: 'stun' | 'channel-data';
  bytes: Buffer;
}

/**
 * Splits a byte stream (TURN over TCP/TLS) into STUN messages and ChannelData by
 * their header lengths: several frames per segment and frames split across
 * segments both work. RFC 8656 §12.5 pads ChannelData to 4 bytes on streams.
 */
export class StreamFramer {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes consumed so far, for error offsets. */
  private consumed = 0;

  push(chunk: Uint8Array): Frame[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      if (this.pending.length < 4) break;
      const first = this.pending[0]!;
      const stunLen = stunFrameLength(this.pending);
      const chanLen = stunLen === undefined ? channelDataFrameLength(this.pending, true) : undefined;
      const size = stunLen ?? chanLen;
      if (size === undefined) {
        throw new CmsDoctorError('CMSD_PARSE', `stream byte 0x${first.toString(16)} starts neither STUN nor ChannelData`, {
          place: { offset: this.consumed, field: 'framing' },
        });
      }
      if (this.pending.length < size) break;
      frames.push({ kind: stunLen !== undefined ? 'stun' : 'channel-data', bytes: this.pending.subarray(0, size) });
      this.pending = this.pending.subarray(size);
      this.consumed += size;
    }
    return frames;
  }
}
