/**
 * Wireshark's packet list as text: what a customer copies out of Wireshark (File > Export
 * Packet Dissections > As Plain Text, or a copy of the list) or what `tshark -r F -Y stun`
 * prints. Columns: No., Time (one or two tokens), Source, [→] Destination, Protocol, Length,
 * Info. Only STUN rows matter here; the Info column holds the method, class, `user:`,
 * `realm:`, `with nonce` and `error-code: N`.
 */
export interface PacketListRow {
  /** 1-based line in the file. */
  line: number;
  /** Absent when the copy left out the No. column (or the document quotes only the Info column). */
  frame?: number;
  source: string;
  destination: string;
  method: string;
  cls: 'request' | 'success' | 'error' | 'indication';
  code?: number;
  username?: string;
  realm?: string;
  nonce: boolean;
  text: string;
}

const ROW = /^\s*(\d+)\s+(\d{4}-\d\d-\d\d\s+[\d:.]+|[\d.:]+)\s+(\S+)\s+(?:→\s+|->\s+)?(\S+)\s+(?:STUN|CLASSIC-STUN|TURN)\s+\d+\s+(.*)$/;
/** A list copied without the No. and Time columns: Source, Destination, Protocol, Length, Info. */
const ROW_NO_FRAME = /^\s*()()(\S+)\s+(?:→\s+|->\s+)?(\S+)\s+(?:STUN|CLASSIC-STUN|TURN)\s+\d+\s+(.*)$/;
/**
 * The Info column alone, as a document quotes it (the source's Troubleshoot 4:
 * `Allocate Request UDP user: turnuser realm: turnuser with nonce`). Believed only with a
 * STUN-specific field after the method and class.
 */
const INFO_ONLY =
  /^\s*()()()()((?:Allocate|Refresh|CreatePermission|ChannelBind|Binding|Send|Data)\s+(?:Request|Success Response|Error Response|Indication)\b.*\b(?:error-code:|user:|realm:|with nonce|XOR-RELAYED-ADDRESS|lifetime:).*)$/;
const INFO = /^(Allocate|Refresh|CreatePermission|ChannelBind|Binding|Send|Data)\s+(Request|Success Response|Error Response|Indication)\b/;
const CLASSES = { Request: 'request', 'Success Response': 'success', 'Error Response': 'error', Indication: 'indication' } as const;

/** One row, or undefined for any line that is not a STUN row of a packet list. */
export function parsePacketListLine(text: string, line: number): PacketListRow | undefined {
  const m = ROW.exec(text) ?? ROW_NO_FRAME.exec(text) ?? INFO_ONLY.exec(text);
  if (!m) return undefined;
  const info = m[5]!;
  const kind = INFO.exec(info);
  if (!kind) return undefined;
  const code = /error-code:\s*(\d{3})\b/.exec(info)?.[1];
  const username = /\buser:\s*(\S+)/.exec(info)?.[1];
  const realm = /\brealm:\s*(\S+)/.exec(info)?.[1];
  return {
    line,
    ...(m[1] ? { frame: Number(m[1]) } : {}),
    source: m[3] ?? '',
    destination: m[4] ?? '',
    method: kind[1]!,
    cls: CLASSES[kind[2] as keyof typeof CLASSES],
    ...(code ? { code: Number(code) } : {}),
    ...(username ? { username } : {}),
    ...(realm ? { realm } : {}),
    nonce: /\bwith nonce\b/.test(info),
    text: text.trim(),
  };
}

/** Recogniser test: a STUN row among the first lines. */
export function looksLikePacketList(head: string): boolean {
  return head.split(/\r?\n/, 200).some((l, i) => parsePacketListLine(l, i + 1) !== undefined);
}
