import { codeOf, CORE_CODES, defineCheck, emitterFor, type FindingDraft } from '@cms-doctor/core';
import { KINDS } from '../recognisers.js';
import { MMP_SSH_CODES } from '../mmp-ssh/codes.js';
import { parsePkiList } from '../mmp/pki.js';
import { namedFiles } from '../mmp/named-files.js';
import { sectionsOf } from './offline.js';

const emit = emitterFor(CORE_CODES, MMP_SSH_CODES);

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
    const list = lists.flatMap((l) => {
      try {
        return parsePkiList(l.text, l.firstLine);
      } catch {
        return []; // a section without the list header holds no file names
      }
    });
    if (lists.length === 0 || named.length === 0 || list.length === 0) return [];
    const held = new Set(list.map((e) => e.name.toLowerCase()));
    const missing = named.filter((n) => !held.has(n.file.toLowerCase()));
    const evidence = [
      { kind: 'mmp-pki-list', files: list.map((e) => e.name), source: lists[0]!.file.path },
      { kind: 'mmp-named-files', files: named.map(({ file, by }) => ({ file, by })) },
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
