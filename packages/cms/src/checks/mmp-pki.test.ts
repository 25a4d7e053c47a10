import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryFile, runChecks } from '@cms-doctor/core';
import { mmpPkiCheck } from './mmp-pki.js';

const DOC = readFileSync(join(import.meta.dirname, '../../../../fixtures/cms/mmp/doc-callbridge-webbridge-xmpp-transcript.txt'), 'utf8');
const pki = (names: string[]): string => `proxyWebRTC> pki list\nUser supplied certificates and keys:\n${names.join('\n')}\nproxyWebRTC>\n`;
const run = (text: string) =>
  runChecks([mmpPkiCheck], { target: {}, mode: 'offline', files: [memoryFile('mmp.txt', 'cms-mmp-transcript', text)] });

describe('cms.mmp-pki', () => {
  it('passes when pki list holds every file the document screens name', async () => {
    const all = ['callbridge.key', 'callbridge.cer', 'webbridge.key', 'webbridge.cer', 'root.cer'];
    const { findings } = await run(`${DOC}${pki(all)}`);
    expect(findings.map((f) => [f.status, f.code])).toEqual([['pass', 'cms/mmp-pki']]);
  });

  it('names each file a screen refers to that the MMP does not hold, with the field that names it', async () => {
    const { findings } = await run(`${DOC}${pki(['callbridge.key', 'webbridge.key', 'webbridge.cer', 'root.cer'])}`);
    expect(findings.map((f) => [f.status, f.code, f.subject])).toEqual([
      ['warn', 'cms/mmp-file-missing', 'callbridge "Certificate file": callbridge.cer'],
      ['warn', 'cms/mmp-file-missing', 'webbridge "Trust bundle": callbridge.cer'],
    ]);
  });

  it('judges nothing without a pki list', async () => {
    expect((await run(DOC)).findings).toEqual([]);
  });
});
