import { FORBIDDEN_FLAGS } from '../target-options.js';
import { ExitError } from '../exit.js';

/** A password flag is refused before anything parses it: it would sit in shell history and `ps`. */
export function refuseArgvPasswords(raw: readonly string[]): void {
  for (const a of raw) {
    const name = a.replace(/^--?/, '').split('=')[0] ?? '';
    if (a.startsWith('-') && FORBIDDEN_FLAGS.includes(name))
      throw new ExitError(
        2,
        `passwords are never taken from the command line (--${name}); use a --*-password-file or the CMS_DOCTOR_*_PASSWORD variable`,
      );
  }
}
