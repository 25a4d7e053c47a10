import { ERROR_REASONS, methodName } from './constants.js';
import { describeAttribute, readErrorCode } from './attributes.js';
import type { StunMessage } from './message.js';
import { ATTR } from './constants.js';

/** A message as evidence: names and values, never integrity bytes or keys. */
export interface MessageSummary {
  method: string;
  class: StunMessage['cls'];
  transactionId: string;
  length: number;
  code?: number;
  /** The registry's name for the code; the server's own reason phrase is kept apart. */
  codeName?: string;
  reason?: string;
  attributes: ReturnType<typeof describeAttribute>[];
}

export function summarize(m: StunMessage): MessageSummary {
  const out: MessageSummary = {
    method: methodName(m.method),
    class: m.cls,
    transactionId: m.transactionId.toString('hex'),
    length: m.length,
    attributes: m.attributes.map((a) => describeAttribute(a, m)),
  };
  const err = m.attributes.find((a) => a.type === ATTR.ERROR_CODE);
  if (err) {
    try {
      const { code, reason } = readErrorCode(err);
      out.code = code;
      const name = ERROR_REASONS.get(code)?.reason;
      if (name) out.codeName = name;
      out.reason = reason;
    } catch {
      // describeAttribute already records the attribute as unreadable.
    }
  }
  return out;
}
