import type { PacketListRow } from './packet-list-text.js';

/**
 * Wireshark's packet details as text: `tshark -V` and File > Export Packet Dissections (plain
 * text, details expanded). Each STUN message opens at its `Message Type:` line; the frame
 * number, addresses and ports come from the `Frame N:`, IP and UDP/TCP lines before it, and the
 * attributes (USERNAME, REALM, NONCE, ERROR-CODE) from the lines after it. Read line by line,
 * so a file of any size holds one message at a time.
 */
const FRAME = /^Frame (\d+):/;
const IP = /^Internet Protocol Version [46], Src: (\S+), Dst: (\S+)/;
const PORTS = /^(?:User Datagram|Transmission Control) Protocol, Src Port: (\d+), Dst Port: (\d+)/;
const TYPE =
  /^\s+Message Type: 0x[0-9a-fA-F]{4} \((Allocate|Refresh|CreatePermission|ChannelBind|Binding|Send|Data) (Request|Success Response|Error Response|Indication)\)/;
const CLASSES = { Request: 'request', 'Success Response': 'success', 'Error Response': 'error', Indication: 'indication' } as const;

const endpoint = (addr: string, port: string | undefined): string =>
  port === undefined ? addr : addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;

export class DissectionReader {
  private frame: number | undefined;
  private src = '';
  private dst = '';
  private sport: string | undefined;
  private dport: string | undefined;
  private current: PacketListRow | undefined;

  /** Feeds one line (1-based number); returns the message it closed, if any. */
  line(text: string, n: number): PacketListRow | undefined {
    let m: RegExpExecArray | null;
    if ((m = FRAME.exec(text))) {
      const done = this.flush();
      this.frame = Number(m[1]);
      this.sport = this.dport = undefined;
      this.src = this.dst = '';
      return done;
    }
    if ((m = IP.exec(text))) {
      this.src = m[1]!;
      this.dst = m[2]!;
      return undefined;
    }
    if ((m = PORTS.exec(text))) {
      this.sport = m[1];
      this.dport = m[2];
      return undefined;
    }
    if ((m = TYPE.exec(text))) {
      const done = this.flush();
      this.current = {
        line: n,
        ...(this.frame !== undefined ? { frame: this.frame } : {}),
        source: endpoint(this.src, this.sport),
        destination: endpoint(this.dst, this.dport),
        method: m[1]!,
        cls: CLASSES[m[2] as keyof typeof CLASSES],
        nonce: false,
        text: text.trim(),
      };
      return done;
    }
    const c = this.current;
    if (!c) return undefined;
    if ((m = /^\s+USERNAME: (.+)$/.exec(text))) c.username = m[1]!.trim();
    else if ((m = /^\s+REALM: (.+)$/.exec(text))) c.realm = m[1]!.trim();
    else if (/^\s+NONCE: /.test(text)) c.nonce = true;
    else if ((m = /^\s+ERROR-CODE:? (\d{3})\b/.exec(text))) c.code = Number(m[1]);
    return undefined;
  }

  /** The message still open at the end of the text. */
  end(): PacketListRow | undefined {
    return this.flush();
  }

  private flush(): PacketListRow | undefined {
    const c = this.current;
    this.current = undefined;
    return c;
  }
}

/** Recogniser test: a frame header and a STUN message type among the first lines. */
export function looksLikeDissection(head: string): boolean {
  const lines = head.split(/\r?\n/, 400);
  return lines.some((l) => FRAME.test(l)) && lines.some((l) => TYPE.test(l));
}

/** Every STUN message of a whole dissection text. */
export function parseDissection(text: string): PacketListRow[] {
  const r = new DissectionReader();
  const out: PacketListRow[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    const row = r.line(l, i + 1);
    if (row) out.push(row);
  });
  const last = r.end();
  if (last) out.push(last);
  return out;
}
