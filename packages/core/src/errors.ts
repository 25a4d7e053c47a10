/** Stable error codes; documented in docs/errors.md. */
export type ErrorCode =
  | 'CMSD_USAGE'
  | 'CMSD_INPUT_MISSING'
  | 'CMSD_SECRET_MISSING'
  | 'CMSD_CONFIG_INVALID'
  | 'CMSD_TIMEOUT'
  | 'CMSD_ABORTED'
  | 'CMSD_PARSE'
  | 'CMSD_NETWORK'
  | 'CMSD_PROTOCOL'
  | 'CMSD_UNSUPPORTED'
  | 'CMSD_NOT_IMPLEMENTED'
  | 'CMSD_INTERNAL';

const brand = Symbol.for('cms-doctor.error');

/**
 * Base of every error this project throws on purpose. `instanceof` works across
 * duplicate installs of the package because it checks a global symbol brand.
 */
export class CmsDoctorError extends Error {
  override name = 'CmsDoctorError';
  readonly code: ErrorCode;
  /** Where in an input the problem is: a byte offset, a line number, an attribute. */
  readonly place?: { offset?: number; line?: number; field?: string; file?: string };
  constructor(code: ErrorCode, message: string, options: { cause?: unknown; place?: CmsDoctorError['place'] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.place) this.place = options.place;
    Object.defineProperty(this, brand, { value: true });
  }
  static override [Symbol.hasInstance](v: unknown): boolean {
    return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[brand] === true;
  }
}

export const isCmsDoctorError = (v: unknown): v is CmsDoctorError => v instanceof CmsDoctorError;

/**
 * A short, secret-free description of any thrown value, for people: a system code such as
 * ECONNREFUSED stays (engineers search for it), our own CMSD_ codes do not (they are for scripts,
 * which read `error.code`).
 */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const internal = typeof code === 'string' && code.startsWith('CMSD_');
    return typeof code === 'string' && !internal && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}
