import { CmsDoctorError, parentDomain, Secret, type Target } from '@cms-doctor/core';
import { TARGET_OPTIONS, SECRETS, envName } from './target-options.js';
import type { ConfigValues } from './config.js';
import { readRegularFile } from './io.js';

export interface SecretSource {
  /** Whether a terminal can be asked. */
  interactive: boolean;
  prompt(question: string): Promise<string>;
}

/**
 * One value per option: flag, else CMS_DOCTOR_<FLAG>, else the config file.
 * `flags` holds only what the user typed (yargs gets no defaults for target options).
 */
export function mergeSources(flags: ConfigValues, env: NodeJS.ProcessEnv, config: ConfigValues): ConfigValues {
  const out: ConfigValues = {};
  for (const { flag } of TARGET_OPTIONS) {
    const value = flags[flag] ?? env[envName(flag)] ?? config[flag];
    if (value !== undefined && value !== '') out[flag] = value;
  }
  return out;
}

const parseRange = (v: unknown): readonly [number, number] => {
  const m = /^(\d{1,5})\s*-\s*(\d{1,5})$/.exec(String(v));
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2]);
  if (!m || lo > hi || hi > 65535)
    throw new CmsDoctorError('CMSD_USAGE', `--media-port-range must look like 24000-29999, got "${String(v)}"`);
  return [lo, hi];
};

const asBool = (v: unknown): boolean => v === true || v === 'true' || v === '1' || v === 'yes';

async function readSecretFile(path: string, what: string): Promise<Secret> {
  // A trailing newline is how editors save files; it is never part of a password.
  return new Secret((await readRegularFile(path, 64 * 1024, `${what} file`)).toString('utf8').replace(/\r?\n$/, ''), `the file ${path}`);
}

/** Turns merged option values into a Target, reading secrets from files, the environment or a prompt. */
export async function buildTarget(values: ConfigValues, env: NodeJS.ProcessEnv, secrets: SecretSource): Promise<Target> {
  const t: Record<string, unknown> = {};
  for (const { flag, field, def } of TARGET_OPTIONS) {
    const v = values[flag];
    // Secrets (passwords, the private key) are read below, from their files or variables.
    if (v === undefined || SECRETS.some((x) => x.field === field)) continue;
    if (field === 'mediaPortRange') t[field] = parseRange(v);
    else if (def.type === 'boolean') t[field] = asBool(v);
    else if (def.type === 'number') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 65535)
        throw new CmsDoctorError('CMSD_USAGE', `--${flag} must be a port number, got "${String(v)}"`);
      t[field] = n;
    } else if (def.array) t[field] = (Array.isArray(v) ? v : [v]).map(String);
    else t[field] = String(v);
  }
  if (typeof t.external === 'string') t.external = t.external.toLowerCase().replace(/\.$/, '');
  if (t.external && !t.externalDomain) {
    const parent = parentDomain(String(t.external));
    if (parent) t.externalDomain = parent;
  }
  for (const s of SECRETS) {
    const file = values[s.fileFlag];
    if (typeof file === 'string') t[s.field] = await readSecretFile(file, s.what);
    else if (env[s.env]) t[s.field] = new Secret(env[s.env] ?? '', `the environment variable ${s.env}`);
    else if (s.userField !== undefined && t[s.userField] !== undefined) {
      if (!secrets.interactive)
        throw new CmsDoctorError(
          'CMSD_SECRET_MISSING',
          `the ${s.what} is needed for --${s.userField.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}: set ${s.env} or use --${s.fileFlag}`,
        );
      t[s.field] = new Secret(await secrets.prompt(`${s.what}: `), 'the interactive prompt');
    }
  }
  // With no password or key for the MMP, the SSH agent may hold one.
  if (t.cmsSsh && !t.cmsSshPassword && !t.cmsSshKey && env.SSH_AUTH_SOCK) t.cmsSshAgent = env.SSH_AUTH_SOCK;
  return t as Target;
}
