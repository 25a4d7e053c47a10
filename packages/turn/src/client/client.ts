import { decodeMessage, transactionKey, type StunMessage } from '../codec/message.js';
import { decodeChannelData, type ChannelData } from '../codec/channel-data.js';
import type { StunConnection } from './connection.js';

/** RFC 8489 §6.2.1 defaults: RTO 500 ms doubling, Rc = 7 transmissions, Rm = 16 (39.5 s in all). */
export const RFC_RTO_MS = 500;
export const RFC_RC = 7;
export const RFC_RM = 16;
/** RFC 8489 §6.2.2: a reliable transport waits Ti = 39.5 s. */
export const RFC_TI_MS = 39_500;

/**
 * When each transmission goes out and when the transaction gives up, in ms from
 * the first send: 0, 500, 1500, 3500, ... and the last send + Rm * RTO.
 */
export function retransmitSchedule(rto = RFC_RTO_MS, rc = RFC_RC, rm = RFC_RM): { sends: number[]; giveUpAt: number } {
  const sends: number[] = [];
  let at = 0;
  for (let i = 0; i < rc; i++) {
    sends.push(at);
    at += rto * 2 ** i;
  }
  return { sends, giveUpAt: (sends[sends.length - 1] ?? 0) + rm * rto };
}

export interface TransactionOptions {
  signal?: AbortSignal;
  /** Epoch ms; the transaction never waits past it, whatever the RFC timers say. */
  deadline?: number;
  rto?: number;
  rc?: number;
  rm?: number;
}

export type TransactionResult =
  | { ok: true; response: StunMessage; rttMs: number; transmissions: number }
  | { ok: false; reason: 'timeout' | 'closed'; waitedMs: number; transmissions: number; error?: string; errorCode?: string };

/** Client side of STUN transactions on one connection, plus the indications and ChannelData it receives. */
export class StunClient {
  private readonly pending = new Map<string, (m: StunMessage) => void>();
  private readonly indicationListeners: ((m: StunMessage) => void)[] = [];
  private readonly channelListeners: ((c: ChannelData) => void)[] = [];
  private readonly closeListeners: ((e?: Error) => void)[] = [];
  private closedWith: { error?: Error } | undefined;
  /** Frames that did not decode, for evidence. */
  readonly undecodable: string[] = [];

  constructor(readonly conn: StunConnection) {
    conn.onFrame((bytes) => this.receive(bytes));
    conn.onClose((e) => {
      this.closedWith = e ? { error: e } : {};
      for (const l of this.closeListeners) l(e);
    });
  }

  private receive(bytes: Buffer): void {
    try {
      if (bytes.length > 0 && (bytes[0]! & 0xc0) === 0x40) {
        const cd = decodeChannelData(bytes);
        for (const l of this.channelListeners) l(cd);
        return;
      }
      const m = decodeMessage(bytes);
      if (m.cls === 'indication') {
        for (const l of this.indicationListeners) l(m);
        return;
      }
      if (m.cls === 'request') return; // a client has nothing to answer
      this.pending.get(transactionKey(m))?.(m);
    } catch (e) {
      if (this.undecodable.length < 16) this.undecodable.push((e as Error).message);
    }
  }

  onIndication(l: (m: StunMessage) => void): void {
    this.indicationListeners.push(l);
  }

  onChannelData(l: (c: ChannelData) => void): void {
    this.channelListeners.push(l);
  }

  /**
   * Sends `request` and waits for the response with the same transaction id. Over UDP it
   * retransmits on the RFC schedule; over TCP/TLS it sends once. Either way it stops at
   * `deadline` or when `signal` aborts, whichever is first.
   */
  request(request: Buffer, transactionId: Buffer, opts: TransactionOptions = {}): Promise<TransactionResult> {
    const key = transactionId.toString('hex');
    const reliable = this.conn.transport !== 'udp';
    const { sends, giveUpAt } = reliable ? { sends: [0], giveUpAt: RFC_TI_MS } : retransmitSchedule(opts.rto, opts.rc, opts.rm);
    const started = performance.now();
    const budget = Math.max(0, Math.min(giveUpAt, opts.deadline === undefined ? Infinity : opts.deadline - Date.now()));
    return new Promise<TransactionResult>((resolve) => {
      let transmissions = 0;
      const timers: NodeJS.Timeout[] = [];
      const finish = (r: TransactionResult): void => {
        for (const t of timers) clearTimeout(t);
        this.pending.delete(key);
        opts.signal?.removeEventListener('abort', onAbort);
        this.closeListeners.splice(this.closeListeners.indexOf(onClose) >>> 0, 1);
        resolve(r);
      };
      const waited = (): number => Math.round(performance.now() - started);
      // Replies that arrived but did not decode are said, so a malformed answer never reads as silence.
      const undecodableBefore = this.undecodable.length;
      const received = (): { error?: string } => {
        const bad = this.undecodable.slice(undecodableBefore);
        return bad.length ? { error: `received ${bad.length} reply(ies) that did not decode as STUN: ${bad[0]}` } : {};
      };
      const onAbort = (): void => finish({ ok: false, reason: 'timeout', waitedMs: waited(), transmissions, ...received() });
      const onClose = (e?: Error): void => {
        const code = (e as { code?: unknown } | undefined)?.code;
        finish({
          ok: false,
          reason: 'closed',
          waitedMs: waited(),
          transmissions,
          ...(e ? { error: e.message } : {}),
          ...(typeof code === 'string' ? { errorCode: code } : {}),
        });
      };
      if (this.closedWith) return onClose(this.closedWith.error);
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.closeListeners.push(onClose);
      this.pending.set(key, (m) =>
        finish({ ok: true, response: m, rttMs: Math.round((performance.now() - started) * 10) / 10, transmissions }),
      );
      for (const at of sends) {
        if (at >= budget && at > 0) break;
        timers.push(
          setTimeout(() => {
            transmissions++;
            this.conn.send(request);
          }, at),
        );
      }
      timers.push(setTimeout(onAbort, budget));
    });
  }

  close(): void {
    this.conn.close();
  }
}
