/** The STUN/TURN registries this project meets, as data (RFC 5389/8489, RFC 5766/8656, RFC 3489, RFC 8445). */

export const MAGIC_COOKIE = 0x2112a442;
export const HEADER_LENGTH = 20;
export const FINGERPRINT_XOR = 0x5354554e;

export type StunClass = 'request' | 'indication' | 'success' | 'error';
export const CLASS_BITS: Record<StunClass, number> = { request: 0b00, indication: 0b01, success: 0b10, error: 0b11 };
const CLASS_BY_BITS: readonly StunClass[] = ['request', 'indication', 'success', 'error'];

export const METHOD = {
  Binding: 0x001,
  SharedSecret: 0x002,
  Allocate: 0x003,
  Refresh: 0x004,
  Send: 0x006,
  Data: 0x007,
  CreatePermission: 0x008,
  ChannelBind: 0x009,
  Connect: 0x00a,
  ConnectionBind: 0x00b,
  ConnectionAttempt: 0x00c,
} as const;
export const METHOD_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(METHOD).map(([k, v]) => [v, k]));

/** The 14-bit message type interleaves the class bits C1 (bit 8) and C0 (bit 4) into the method. */
export function messageType(method: number, cls: StunClass): number {
  const c = CLASS_BITS[cls];
  return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | ((c & 1) << 4) | ((c & 2) << 7);
}

export function splitMessageType(type: number): { method: number; cls: StunClass } {
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const bits = ((type >> 4) & 1) | ((type >> 7) & 2);
  return { method, cls: CLASS_BY_BITS[bits] as StunClass };
}

export const ATTR = {
  MAPPED_ADDRESS: 0x0001,
  RESPONSE_ADDRESS: 0x0002,
  CHANGE_REQUEST: 0x0003,
  SOURCE_ADDRESS: 0x0004,
  CHANGED_ADDRESS: 0x0005,
  USERNAME: 0x0006,
  PASSWORD: 0x0007,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  UNKNOWN_ATTRIBUTES: 0x000a,
  REFLECTED_FROM: 0x000b,
  CHANNEL_NUMBER: 0x000c,
  LIFETIME: 0x000d,
  XOR_PEER_ADDRESS: 0x0012,
  DATA: 0x0013,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_ADDRESS_FAMILY: 0x0017,
  EVEN_PORT: 0x0018,
  REQUESTED_TRANSPORT: 0x0019,
  DONT_FRAGMENT: 0x001a,
  MESSAGE_INTEGRITY_SHA256: 0x001c,
  PASSWORD_ALGORITHM: 0x001d,
  USERHASH: 0x001e,
  XOR_MAPPED_ADDRESS: 0x0020,
  RESERVATION_TOKEN: 0x0022,
  PRIORITY: 0x0024,
  USE_CANDIDATE: 0x0025,
  CONNECTION_ID: 0x002a,
  ADDITIONAL_ADDRESS_FAMILY: 0x8000,
  ADDRESS_ERROR_CODE: 0x8001,
  PASSWORD_ALGORITHMS: 0x8002,
  ALTERNATE_DOMAIN: 0x8003,
  ICMP: 0x8004,
  SOFTWARE: 0x8022,
  ALTERNATE_SERVER: 0x8023,
  FINGERPRINT: 0x8028,
  ICE_CONTROLLED: 0x8029,
  ICE_CONTROLLING: 0x802a,
  RESPONSE_ORIGIN: 0x802b,
  OTHER_ADDRESS: 0x802c,
  ORIGIN: 0x802f,
} as const;
export const ATTR_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(ATTR).map(([k, v]) => [v, k.replaceAll('_', '-')]));

/** How each attribute's value is read. Unknown types stay raw bytes. */
export type AttrShape =
  | 'address'
  | 'xor-address'
  | 'string'
  | 'u32'
  | 'u64'
  | 'error-code'
  | 'unknown-attributes'
  | 'bytes'
  | 'empty'
  | 'transport'
  | 'channel'
  | 'family'
  | 'secret';
export const ATTR_SHAPES: ReadonlyMap<number, AttrShape> = new Map<number, AttrShape>([
  [ATTR.MAPPED_ADDRESS, 'address'],
  [ATTR.RESPONSE_ADDRESS, 'address'],
  [ATTR.SOURCE_ADDRESS, 'address'],
  [ATTR.CHANGED_ADDRESS, 'address'],
  [ATTR.REFLECTED_FROM, 'address'],
  [ATTR.ALTERNATE_SERVER, 'address'],
  [ATTR.RESPONSE_ORIGIN, 'address'],
  [ATTR.OTHER_ADDRESS, 'address'],
  [ATTR.XOR_MAPPED_ADDRESS, 'xor-address'],
  [ATTR.XOR_PEER_ADDRESS, 'xor-address'],
  [ATTR.XOR_RELAYED_ADDRESS, 'xor-address'],
  [ATTR.USERNAME, 'string'],
  [ATTR.REALM, 'string'],
  [ATTR.NONCE, 'string'],
  [ATTR.SOFTWARE, 'string'],
  [ATTR.ORIGIN, 'string'],
  [ATTR.ALTERNATE_DOMAIN, 'string'],
  [ATTR.LIFETIME, 'u32'],
  [ATTR.PRIORITY, 'u32'],
  [ATTR.CHANGE_REQUEST, 'u32'],
  [ATTR.CONNECTION_ID, 'u32'],
  [ATTR.FINGERPRINT, 'u32'],
  [ATTR.ICE_CONTROLLED, 'u64'],
  [ATTR.ICE_CONTROLLING, 'u64'],
  [ATTR.RESERVATION_TOKEN, 'bytes'],
  [ATTR.ERROR_CODE, 'error-code'],
  [ATTR.ADDRESS_ERROR_CODE, 'bytes'],
  [ATTR.UNKNOWN_ATTRIBUTES, 'unknown-attributes'],
  [ATTR.REQUESTED_TRANSPORT, 'transport'],
  [ATTR.CHANNEL_NUMBER, 'channel'],
  [ATTR.REQUESTED_ADDRESS_FAMILY, 'family'],
  [ATTR.ADDITIONAL_ADDRESS_FAMILY, 'family'],
  [ATTR.DONT_FRAGMENT, 'empty'],
  [ATTR.USE_CANDIDATE, 'empty'],
  [ATTR.DATA, 'bytes'],
  [ATTR.EVEN_PORT, 'bytes'],
  // Never shown as bytes: an HMAC (or a password in RFC 3489) is key material.
  [ATTR.MESSAGE_INTEGRITY, 'secret'],
  [ATTR.MESSAGE_INTEGRITY_SHA256, 'secret'],
  [ATTR.PASSWORD, 'secret'],
  [ATTR.USERHASH, 'secret'],
]);

/**
 * The error registry: RFC 5389/8489, RFC 5766/8656, RFC 6062, RFC 8445, and
 * RFC 3489's codes that servers such as Expressway-E still send (431).
 */
export const ERROR_REASONS: ReadonlyMap<number, { reason: string; rfc: string }> = new Map([
  [300, { reason: 'Try Alternate', rfc: 'RFC 8489' }],
  [400, { reason: 'Bad Request', rfc: 'RFC 8489' }],
  [401, { reason: 'Unauthenticated', rfc: 'RFC 8489' }],
  [403, { reason: 'Forbidden', rfc: 'RFC 8656' }],
  [405, { reason: 'Mobility Forbidden', rfc: 'RFC 8016' }],
  [420, { reason: 'Unknown Attribute', rfc: 'RFC 8489' }],
  [430, { reason: 'Stale Credentials', rfc: 'RFC 3489' }],
  [431, { reason: 'Integrity Check Failure', rfc: 'RFC 3489' }],
  [432, { reason: 'Missing Username', rfc: 'RFC 3489' }],
  [433, { reason: 'Use TLS', rfc: 'RFC 3489' }],
  [434, { reason: 'Missing Realm', rfc: 'draft-ietf-behave-rfc3489bis' }],
  [435, { reason: 'Missing Nonce', rfc: 'draft-ietf-behave-rfc3489bis' }],
  [436, { reason: 'Unknown Username', rfc: 'draft-ietf-behave-rfc3489bis' }],
  [437, { reason: 'Allocation Mismatch', rfc: 'RFC 8656' }],
  [438, { reason: 'Stale Nonce', rfc: 'RFC 8489' }],
  [440, { reason: 'Address Family not Supported', rfc: 'RFC 8656' }],
  [441, { reason: 'Wrong Credentials', rfc: 'RFC 8656' }],
  [442, { reason: 'Unsupported Transport Protocol', rfc: 'RFC 8656' }],
  [443, { reason: 'Peer Address Family Mismatch', rfc: 'RFC 8656' }],
  [446, { reason: 'Connection Already Exists', rfc: 'RFC 6062' }],
  [447, { reason: 'Connection Timeout or Failure', rfc: 'RFC 6062' }],
  [486, { reason: 'Allocation Quota Reached', rfc: 'RFC 8656' }],
  [487, { reason: 'Role Conflict', rfc: 'RFC 8445' }],
  [500, { reason: 'Server Error', rfc: 'RFC 8489' }],
  [508, { reason: 'Insufficient Capacity', rfc: 'RFC 8656' }],
  [600, { reason: 'Global Failure', rfc: 'RFC 3489' }],
]);

export const methodName = (m: number): string => METHOD_NAMES.get(m) ?? `0x${m.toString(16).padStart(3, '0')}`;
export const attrName = (t: number): string => ATTR_NAMES.get(t) ?? `0x${t.toString(16).padStart(4, '0')}`;

/** Comprehension-required attributes have type 0x0000-0x7FFF. */
export const isComprehensionRequired = (t: number): boolean => t < 0x8000;
