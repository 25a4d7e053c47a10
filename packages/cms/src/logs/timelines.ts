/**
 * Call timelines: the story of a call from its guest's login, built from the catalogue's
 * `timeline` lines so that a problem naming the call can show it. State is bounded by
 * `ScanLimits` (open calls and logins are slots, `open-events.ts`). Design:
 * docs/decisions/cms-log-scan-fast-path.md ("Open calls and logins as slots").
 */
import { BoundedKeys, EventSlots, slotKey, type SlotKey } from './open-events.js';
import { clip, MAX_EVIDENCE_LINE, own, type CallTimeline, type LineRef, type ScanLimits } from './scan-result.js';
import type { Signature } from './signatures.js';

/** Reads `len` bytes at byte offset `at` of the scanned file (for timeline texts). */
export type LineReader = (at: number, len: number) => Buffer;

/**
 * A line a timeline will show. With a `LineReader` its text stays in the file (`at`,
 * `len`, `text` undefined) and is read back only if the line ends up in a finding;
 * without one it is copied when seen (`at` -1).
 */
export interface PendingLine {
  line: number;
  text: string | undefined;
  at: number;
  len: number;
}
/** A timeline while the scan runs: its lines may still be in the file. */
export interface PendingTimeline {
  call: string;
  user?: string;
  events: PendingLine[];
}

export type TimelineEvent = NonNullable<Signature['event']>;
/** The named groups of a timeline line the correlation reads. */
export type TimelineGroup = 'call' | 'user' | 'req' | 'req2';

/**
 * A call's slot starts with the latest events of its guest's login, leaving this many
 * event places for the call's own lines.
 */
const CALL_OWN_EVENTS = 4;
/** Bytes read back for a lazy timeline line: enough for MAX_EVIDENCE_LINE characters of UTF-8 (up to 4 bytes each). */
const READ_BACK = 4 * MAX_EVIDENCE_LINE + 4;
const NON_ASCII = /[\x80-\xff]/;

/** The open logins and calls, keyed by request, user and call number. */
export class CallTimelines {
  private readonly slots: EventSlots;
  private readonly calls: BoundedKeys;
  private readonly logins: BoundedKeys;
  private readonly users: BoundedKeys;
  private lastLogin = -1;
  evictedCalls = 0;
  evictedLogins = 0;
  /**
   * Where the current line sits in the file (`at` -1: not known), and whether it can
   * be read back from there later (`lazy`) rather than copied now. Set per line.
   */
  at = -1;
  len = 0;
  lazy = false;

  constructor(private readonly limits: ScanLimits) {
    this.slots = new EventSlots(Math.max(0, limits.maxEventsPerCall));
    this.calls = new BoundedKeys(limits.maxOpenCalls, this.slots);
    this.logins = new BoundedKeys(limits.maxOpenLogins, this.slots);
    this.users = new BoundedKeys(limits.maxOpenLogins, this.slots);
  }

  /** The current line as a timeline event of slot `t`. */
  private push(t: number, lineNo: number, text: string): void {
    this.slots.push(t, lineNo, this.at, this.len, this.lazy ? undefined : own(clip(text)));
  }

  /** The current line, held as a timeline's last line. */
  current(lineNo: number, text: string): PendingLine {
    return this.lazy
      ? { line: lineNo, text: undefined, at: this.at, len: this.len }
      : { line: lineNo, text: own(clip(text)), at: -1, len: 0 };
  }

  /** The open call's timeline so far followed by the current line (texts made in `settleTimeline`). */
  timelineOf(call: string, lineNo: number, text: string): PendingTimeline {
    const t = this.calls.get(slotKey(call));
    const sl = this.slots;
    const events: PendingLine[] = [];
    if (t >= 0)
      for (let e = t * sl.per, end = e + sl.count[t]!; e < end; e += 1)
        events.push({ line: sl.line[e]!, text: sl.texts[e], at: sl.at[e]!, len: sl.len[e]! });
    events.push(this.current(lineNo, text));
    const user = t >= 0 ? sl.user[t] : undefined;
    return { call: own(call), ...(user ? { user } : {}), events };
  }

  private setLastLogin(t: number): void {
    this.slots.retain(t);
    if (this.lastLogin >= 0) this.slots.release(this.lastLogin);
    this.lastLogin = t;
  }

  /** A timeline line: `g` gives its named groups. */
  event(kind: TimelineEvent | undefined, g: (name: TimelineGroup) => string | undefined, lineNo: number, text: string): void {
    const sl = this.slots;
    switch (kind) {
      case 'login': {
        // Most login lines are for a request already open: a text key is copied (`own`)
        // only when it is stored, not for every lookup; a request number needs no copy.
        const found = slotKey(g('req') ?? g('req2') ?? '?');
        let t = this.logins.get(found);
        const fresh = t < 0;
        if (fresh) {
          const req = typeof found === 'number' ? found : own(found);
          t = sl.alloc();
          sl.req[t] = req;
          this.evictedLogins += this.logins.set(req, t);
        }
        this.push(t, lineNo, text);
        this.setLastLogin(t);
        if (fresh) sl.release(t);
        return;
      }
      case 'guest-created': {
        const fresh = this.lastLogin < 0;
        const t = fresh ? sl.alloc() : this.lastLogin;
        const u = g('user');
        const user = u === undefined ? undefined : own(u);
        sl.user[t] = user;
        this.push(t, lineNo, text);
        if (user) this.evictedLogins += this.users.set(user, t);
        if (fresh) sl.release(t);
        return;
      }
      case 'login-ok': {
        const user = g('user');
        const t = user ? this.users.get(user) : -1;
        if (t >= 0) this.push(t, lineNo, text);
        return;
      }
      case 'allocated': {
        const found = slotKey(g('call')!);
        const call = typeof found === 'number' ? found : own(found);
        const u = g('user');
        const user = u === undefined ? undefined : own(u);
        let login = user ? this.users.get(user) : -1;
        if (login < 0 && user) login = this.users.get(user.replace(/@.*$/, ''));
        // The call's story starts with its guest's login (its latest events, leaving room).
        const t = sl.alloc();
        if (user) sl.user[t] = user;
        let loginReq: SlotKey | undefined;
        if (login >= 0) {
          sl.copyTail(login, t, Math.max(0, Math.min(sl.count[login]!, this.limits.maxEventsPerCall - CALL_OWN_EVENTS)));
          loginReq = sl.req[login];
        }
        this.push(t, lineNo, text);
        if (user) this.users.delete(user);
        // A claimed login is no longer open (ScanLimits.maxOpenLogins): it leaves the
        // map now instead of ageing out later, and is not counted as evicted.
        if (loginReq !== undefined && this.logins.get(loginReq) === login) this.logins.delete(loginReq);
        this.evictedCalls += this.calls.set(call, t);
        sl.release(t);
        return;
      }
      case 'media': {
        const t = this.calls.get(slotKey(g('call')!));
        if (t >= 0) this.push(t, lineNo, text);
        return;
      }
      case 'teardown':
        this.calls.delete(slotKey(g('call')!));
        return;
      case undefined:
        return;
    }
  }
}

/** The text of a timeline line, read back with `reader` if it was left in the file. */
function textOf(e: PendingLine, reader: LineReader | undefined): string {
  if (e.text !== undefined) return e.text;
  let text: string;
  try {
    const b = reader!(e.at, Math.min(e.len, READ_BACK));
    text = b.toString('latin1');
    if (NON_ASCII.test(text)) text = b.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
  } catch {
    text = '(line could not be read back)';
  }
  return own(clip(text));
}

/** A finished timeline: every line's text made (or read back) once, at the end of the scan. */
export function settleTimeline(t: PendingTimeline, reader: LineReader | undefined): CallTimeline {
  const events: LineRef[] = t.events.map((e) => ({ line: e.line, text: textOf(e, reader) }));
  return { call: t.call, ...(t.user !== undefined ? { user: t.user } : {}), events };
}
