import { createHash } from 'node:crypto';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

const contexts = new Map<string, SecureContext>();
const MAX_CONTEXTS = 16;

/**
 * A TLS context trusting Node's bundled roots plus `extraCa` (PEM). Passing `ca` to every
 * connection makes Node parse all ~150 bundled roots each time (most of a run's CPU), so
 * one context per distinct CA set is built once and reused.
 */
export function trustContext(extraCa: readonly (string | Buffer)[]): SecureContext {
  const key = createHash('sha256').update(extraCa.map(String).join('\n')).digest('hex');
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = createSecureContext({ ca: [...rootCertificates, ...extraCa] });
    if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value as string);
    contexts.set(key, ctx);
  }
  return ctx;
}
