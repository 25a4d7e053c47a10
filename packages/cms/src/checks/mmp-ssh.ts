import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  codeOf,
  CORE_CODES,
  defineCheck,
  emitterFor,
  memoryFile,
  type Evidence,
  type FindingDraft,
  type TriageFile,
} from '@cms-doctor/core';
import { MMP_STATUS_COMMANDS } from '../mmp-ssh/allow-list.js';
import { MMP_SSH_CODES } from '../mmp-ssh/codes.js';
import { collectMmp, type MmpSshResult } from '../mmp-ssh/session.js';
import { namedFiles } from '../mmp/named-files.js';
import { KINDS } from '../recognisers.js';

export const MMP_SSH_CHECK = 'cms.mmp-ssh';
const emit = emitterFor(CORE_CODES, MMP_SSH_CODES);

/** `user@host`, `user@host:port`, `user@[v6]:port`. */
export function parseSshTarget(s: string): { user: string; host: string; port: number } {
  const m = /^([^@\s]+)@(\[[0-9a-fA-F:.]+\]|[^:\s@]+)(?::(\d{1,5}))?$/.exec(s.trim());
  const port = Number(m?.[3] ?? 22);
  if (!m || port < 1 || port > 65535) throw new Error(`--cms-ssh takes user@host[:port], got "${s}"`);
  return { user: m[1]!, host: m[2]!.replace(/^\[|\]$/g, ''), port };
}

/** The certificate files the status screens name: what the trust checks compare by fingerprint. */
export const certificateFilesNamed = (outputs: ReadonlyMap<string, string>): string[] =>
  namedFiles(['callbridge', 'webbridge', 'webbridge3'].map((command) => ({ command, text: outputs.get(command) ?? '' })))
    .filter((f) => f.compared)
    .map((f) => f.file);

/** What was collected, as the inputs triage would have: one transcript, the certificate files. */
export function collectedFiles(where: string, r: MmpSshResult): TriageFile[] {
  const files: TriageFile[] = [];
  if (r.commands.length > 0) files.push(memoryFile(`mmp://${where}`, KINDS.mmpTranscript, r.transcript));
  for (const f of r.files)
    if (f.bytes)
      files.push(
        memoryFile(
          `mmp://${where}/${f.name}`,
          f.bytes.subarray(0, 11).toString('latin1') === '-----BEGIN ' ? 'x509-pem' : 'x509-der',
          f.bytes,
        ),
      );
  return files;
}

const transcriptEvidence = (r: MmpSshResult): Evidence[] => [
  ...r.commands.map((c) => ({ kind: 'mmp-command', sent: c.command, complete: c.complete, ms: c.ms, received: c.output })),
  ...r.files.map((f) => ({ kind: 'mmp-sftp-read', file: f.name, ...(f.bytes ? { bytes: f.bytes.length } : { error: f.error }) })),
];

function judge(where: string, r: MmpSshResult, knownHostsPath: string | undefined): FindingDraft[] {
  const key = r.hostKey;
  const hostKey: Evidence = { kind: 'ssh-host-key', offered: key?.fingerprint, ...(key?.trusted ? { trustedBy: key.by } : {}) };
  const subject = where;
  switch (r.failure?.phase) {
    case 'host-key': {
      const changed = key && !key.trusted && key.reason !== 'unknown';
      const expected = key && !key.trusted ? key.expected : undefined;
      return [
        emit(changed ? 'cms/mmp-host-key-changed' : 'cms/mmp-host-key-unknown', {
          subject,
          detail: changed
            ? `The MMP offered ${key.fingerprint}; ${key.reason === 'revoked' ? 'known_hosts marks that key @revoked' : `expected ${(expected ?? []).join(' or ')}`}. Nothing was sent.`
            : `The MMP offered ${key?.fingerprint ?? 'a key'}, found neither in --cms-ssh-host-key nor in ${knownHostsPath ?? 'a known_hosts file'}. Nothing was sent. Check it out of band, then pin it with --cms-ssh-host-key ${key?.fingerprint ?? 'SHA256:...'}.`,
          evidence: [hostKey, ...(expected ? [{ kind: 'ssh-host-key-expected', fingerprints: expected }] : [])],
        }),
      ];
    }
    case 'auth':
      return [emit('cms/mmp-login-failed', { subject, detail: r.failure.message, evidence: [hostKey] })];
    case 'connect':
    case 'shell':
      return [emit('cms/mmp-unreachable', { subject, detail: `${r.failure.phase}: ${r.failure.message}`, evidence: [hostKey] })];
    case 'command':
      return [emit('cms/mmp-incomplete', { subject, detail: r.failure.message, evidence: [hostKey, ...transcriptEvidence(r)] })];
    default:
      return [
        {
          code: codeOf(MMP_SSH_CHECK),
          status: 'pass',
          title: `Read ${r.commands.length} MMP status screens${r.files.some((f) => f.bytes) ? ` and ${r.files.filter((f) => f.bytes).length} certificate file(s)` : ''} over SSH`,
          detail: `Host key ${key?.fingerprint} trusted by ${key?.trusted ? key.by : '?'}; only allow-listed status commands were sent.`,
          subject,
          evidence: [hostKey, ...transcriptEvidence(r)],
        },
        ...(r.failure?.phase === 'sftp'
          ? [
              emit('cms/mmp-incomplete', {
                subject,
                detail: `SFTP: ${r.failure.message}; the trust checks cannot compare certificates by fingerprint`,
                evidence: [hostKey],
              }),
            ]
          : []),
      ];
  }
}

/**
 * Live: the MMP status screens and the certificate files they name, read over SSH with a
 * read-only allow-list, and handed to the same checks that judge a customer's pasted output.
 */
export const mmpSshCheck = defineCheck({
  id: MMP_SSH_CHECK,
  title: 'MMP status screens collected over SSH',
  area: 'cms',
  modes: ['live'],
  needs: ['cmsSsh'],
  collects: [KINDS.mmpTranscript, 'x509-pem', 'x509-der'],
  async run(ctx) {
    const t = ctx.target;
    const { user, host, port } = parseSshTarget(t.cmsSsh!);
    const where = `${user}@${host.includes(':') ? `[${host}]` : host}:${port}`;
    const khPath = t.cmsSshKnownHosts ?? join(homedir(), '.ssh', 'known_hosts');
    const knownHosts = existsSync(khPath) ? { text: await readFile(khPath, 'utf8'), path: khPath } : undefined;
    const r = await collectMmp({
      host,
      port,
      credentials: {
        username: user,
        ...(t.cmsSshPassword ? { password: t.cmsSshPassword } : {}),
        ...(t.cmsSshKey ? { privateKey: t.cmsSshKey } : {}),
        ...(t.cmsSshKeyPassphrase ? { passphrase: t.cmsSshKeyPassphrase } : {}),
        ...(t.cmsSshAgent ? { agent: t.cmsSshAgent } : {}),
      },
      hostKey: { ...(t.cmsSshHostKey?.length ? { pinned: t.cmsSshHostKey } : {}), ...(knownHosts ? { knownHosts } : {}) },
      commands: MMP_STATUS_COMMANDS,
      filesToRead: certificateFilesNamed,
      signal: ctx.signal,
      // Each screen is a few lines: a third of the check's time is plenty, and leaves the rest for the others.
      commandTimeoutMs: Math.max(1000, Math.min(5000, (ctx.deadline - Date.now()) / 3)),
    });
    return { findings: judge(where, r, knownHosts?.path), files: collectedFiles(where, r) };
  },
});
