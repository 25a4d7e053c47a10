import { codeOf, CORE_CODES, defineCheck, emitterFor, type FindingDraft } from '@cms-doctor/core';
import { KINDS } from '../recognisers.js';
import { MMP_SSH_CODES } from '../mmp-ssh/codes.js';
import { parsePkiList } from '../mmp/pki.js';
import { parseMmpCallbridge } from '../mmp/callbridge.js';
import { parseMmpWebbridge } from '../mmp/webbridge.js';
import { parseMmpWebbridge3 } from '../mmp/webbridge3.js';
import { sectionsOf } from './offline.js';

const emit = emitterFor(CORE_CODES, MMP_SSH_CODES);

const attempt = <T>(f: () => T): T | undefined => {
  try {
    return f();
  } catch {
    return undefined;
  }
};

/** The files each status screen names, by the field that names them. */
function namedFiles(screens: { command: string; text: string }[]): { file: string; by: string }[] {
  const out: { file: string; by: string }[] = [];
  const add = (command: string, field: string, v: string | null | undefined): void => {
    if (v) out.push({ file: v, by: `${command} "${field}"` });
  };
  for (const s of screens) {
    const cb = s.command === 'callbridge' ? attempt(() => parseMmpCallbridge(s.text)) : undefined;
    if (cb) {
      add('callbridge', 'Key file', cb.keyFile);
      add('callbridge', 'Certificate file', cb.certificateFile);
      add('callbridge', 'CA Bundle file', cb.caBundleFile);
      add('callbridge', 'C2W trusted certs', cb.c2wTrustedCerts);
    }
    const wb = s.command === 'webbridge' ? attempt(() => parseMmpWebbridge(s.text)) : undefined;
    if (wb) {
      add('webbridge', 'Key file', wb.keyFile);
      add('webbridge', 'Certificate file', wb.certificateFile);
      add('webbridge', 'CA Bundle file', wb.caBundleFile);
      add('webbridge', 'Trust bundle', wb.trustBundle);
    }
    const wb3 = s.command === 'webbridge3' ? attempt(() => parseMmpWebbridge3(s.text)) : undefined;
    if (wb3) {
      add('webbridge3', 'C2W Key file', wb3.c2wKeyFile);
      add('webbridge3', 'C2W Full chain certificate file', wb3.c2wCertificateFile);
      add('webbridge3', 'C2W Trust bundle', wb3.c2wTrustBundle);
    }
  }
  return out;
}

/**
 * MMP `pki list` against the files the status screens name: a service that names a certificate,
 * key or trust bundle the MMP does not hold cannot load it. Offline from pasted output, live from
 * what cms.mmp-ssh collected; judged only when `pki list` and a screen naming files are both there.
 */
export const mmpPkiCheck = defineCheck({
  id: 'cms.mmp-pki',
  title: 'MMP pki list holds the files the services name',
  area: 'cms',
  modes: ['offline', 'live'],
  after: ['cms.mmp-ssh'],
  needs: [],
  needsAny: [[`file:${KINDS.mmpPkiList}`], [`file:${KINDS.mmpTranscript}`], ['cmsSsh']],
  async run(ctx) {
    const files = ctx.files(KINDS.mmpPkiList, KINDS.mmpTranscript, KINDS.mmpCallbridge, KINDS.mmpWebbridge, KINDS.mmpWebbridge3);
    const lists = await sectionsOf(files, 'pki list');
    const screens = (
      await Promise.all(
        ['callbridge', 'webbridge', 'webbridge3'].map(async (command) =>
          (await sectionsOf(files, command)).map((s) => ({ command, text: s.text })),
        ),
      )
    ).flat();
    const named = namedFiles(screens);
    const list = lists.flatMap((l) => attempt(() => parsePkiList(l.text, l.firstLine)) ?? []);
    if (lists.length === 0 || named.length === 0 || list.length === 0) return [];
    const held = new Set(list.map((e) => e.name.toLowerCase()));
    const missing = named.filter((n) => !held.has(n.file.toLowerCase()));
    const evidence = [
      { kind: 'mmp-pki-list', files: list.map((e) => e.name), source: lists[0]!.file.path },
      { kind: 'mmp-named-files', files: named },
    ];
    if (missing.length === 0)
      return [
        {
          code: codeOf(this.id),
          status: 'pass',
          title: `pki list holds all ${named.length} files the services name`,
          subject: lists[0]!.file.path,
          evidence,
        } satisfies FindingDraft,
      ];
    return missing.map((m) =>
      emit('cms/mmp-file-missing', {
        subject: `${m.by}: ${m.file}`,
        detail: `MMP ${m.by} names ${m.file}, which \`pki list\` (${lists[0]!.file.path}) does not list: the service cannot load it.`,
        evidence,
      }),
    );
  },
});
