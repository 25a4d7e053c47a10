import { CmsDoctorError } from '@cms-doctor/core';

/** Thrown by commands; only cli.ts turns it into a process exit code. */
export class ExitError extends Error {
  override name = 'ExitError';
  constructor(
    readonly exitCode: 0 | 1 | 2 | 3,
    message = '',
  ) {
    super(message);
  }
}

/** Errors the user can act on (bad input, missing file or secret) exit 2 without a stack. */
export function usageExit(e: unknown): ExitError | undefined {
  if (e instanceof ExitError) return e;
  if (
    e instanceof CmsDoctorError &&
    ['CMSD_USAGE', 'CMSD_INPUT_MISSING', 'CMSD_SECRET_MISSING', 'CMSD_CONFIG_INVALID', 'CMSD_NOT_IMPLEMENTED'].includes(e.code)
  )
    return new ExitError(2, e.message);
  return undefined;
}
