const hidden = new WeakMap<Secret, string>();

/**
 * A password or key held so that it cannot leak by accident: JSON, string
 * conversion and util.inspect all show `[redacted]`. Only `reveal()` gives the value,
 * so redaction is by field, never by searching text for the value.
 */
export class Secret {
  constructor(value: string) {
    hidden.set(this, value);
  }
  reveal(): string {
    return hidden.get(this) ?? '';
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return '[redacted]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[redacted]';
  }
}

export const isSecret = (v: unknown): v is Secret => v instanceof Secret;
