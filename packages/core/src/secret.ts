const hidden = new WeakMap<Secret, string>();

/**
 * A password or key held so that it cannot leak by accident: JSON, string
 * conversion and util.inspect all show `[redacted]`. Only `reveal()` gives the value,
 * so redaction is by field, never by searching text for the value.
 */
export class Secret {
  /**
   * Where the value came from (`--turn-password-file <path>`, an environment variable, a
   * prompt), never the value: findings say whose password was tried (verdict rule 2).
   */
  readonly from: string | undefined;
  constructor(value: string, from?: string) {
    hidden.set(this, value);
    this.from = from;
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
