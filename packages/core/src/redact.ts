import { isSecret } from './secret.js';

/** Field names whose values are secret wherever they appear in evidence or a target. */
const SECRET_KEY =
  /^(password|passphrase|secret|key|longTermKey|messageIntegrity|message-integrity|authorization|turnPassword|cmsPassword|expresswayPassword|certPassword|hmac)$/i;

export const REDACTED = '[redacted]';

/**
 * Deep copy with secret fields removed by name (and Secret values replaced).
 * Text is never searched for a secret's value: a password that is a common word
 * must not mangle unrelated output.
 */
export function redact<T>(value: T): T {
  return walk(value, new WeakSet()) as T;
}

function walk(value: unknown, seen: WeakSet<object>): unknown {
  if (isSecret(value)) return REDACTED;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, seen));
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[k] = SECRET_KEY.test(k) ? REDACTED : walk(v, seen);
  }
  return out;
}
