import { beforeAll, describe, expect, it } from 'vitest';
import { runChecks, type TriageFile } from '@cms-doctor/core';
import { createLabPki, type LabPki } from '../../lab/src/pki/index.js';
import { memFile } from '../../certs/src/testing/mem-file.js';
import { trustBundleCheck } from './checks.js';
import { RECOGNISERS } from '@cms-doctor/cms';

const webbridge = (trust: string) =>
  `proxyWebRTC> webbridge\r\nEnabled              : true\r\nInterface whitelist : a:443\r\nKey file             : webbridge.key\r\nCertificate file     : webbridge.cer\r\nCA Bundle file      : root.cer\r\nTrust bundle        : ${trust}\r\nHTTP redirect       : Enabled\r\nproxyWebRTC>\r\n`;
const callbridge = `proxyWebRTC> callbridge\nListening interfaces : a\nPreferred interface : none\nKey file             : callbridge.key\nCertificate file     : callbridge.cer\nAddress              : none\nCA Bundle file      : root.cer\n`;
const webbridge3 = (trust: string) =>
  `CMS> webbridge3\nEnabled                               : true\nC2W listening ports and interfaces    : a:6000\nC2W Trust bundle                      : ${trust}\n`;

let cb: LabPki;
let other: LabPki;
beforeAll(async () => {
  cb = await createLabPki({ names: ['cmsweb.cms.octavio.local'], kind: 'rsa' });
  other = await createLabPki({ names: ['other.cms.octavio.local'], kind: 'ecdsa' });
});
const run = async (files: TriageFile[]) => (await runChecks([trustBundleCheck], { target: {}, mode: 'offline', files })).findings;

describe('webbridge.trust-bundle', () => {
  it('Trust bundle: none is trust-bundle-missing with the MMP line as evidence', async () => {
    const [f, ...rest] = await run([memFile('bundle/mmp.txt', 'cms-mmp-webbridge', webbridge('none'))]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      code: 'webbridge/trust-bundle-missing',
      status: 'fail',
      fixes: ['webbridge-callbridge-trust'],
      subject: 'bundle/mmp.txt:7',
    });
    expect(f!.evidence[0]).toEqual({ kind: 'mmp-line', file: 'bundle/mmp.txt', line: 7, text: 'Trust bundle : none' });
  });
  it('the trust bundle holds the call bridge certificate: pass (both files from the bundle, named by MMP)', async () => {
    const fs = await run([
      memFile('b/webbridge.txt', 'cms-mmp-webbridge', webbridge('callbridge.cer')),
      memFile('b/callbridge.txt', 'cms-mmp-callbridge', callbridge),
      memFile('b.tgz!/certs/CALLBRIDGE.cer', 'x509-pem', cb.certPem + cb.intermediatePem),
    ]);
    expect(fs.map((f) => [f.code, f.status])).toEqual([['webbridge/trust-bundle', 'pass']]);
  });
  it('a trust bundle with only the CA, or another certificate, is a mismatch by fingerprint', async () => {
    for (const bundle of [cb.rootPem + cb.intermediatePem, other.certPem]) {
      const fs = await run([
        memFile('b/mmp.txt', 'cms-mmp-transcript', callbridge + webbridge('trust.pem')),
        memFile('b/callbridge.cer', 'x509-pem', cb.certPem),
        memFile('b/trust.pem', 'x509-pem', bundle),
      ]);
      expect(fs.map((f) => [f.code, f.status])).toEqual([['webbridge/trust-bundle-mismatch', 'fail']]);
      expect(fs[0]!.evidence.map((e) => e.kind)).toEqual(['mmp-line', 'mmp-line', 'certificate', 'certificate-file']);
    }
  });
  it('files absent: info saying what to add', async () => {
    const fs = await run([memFile('b/mmp.txt', 'cms-mmp-webbridge', webbridge('callbridge.cer'))]);
    expect(fs[0]).toMatchObject({ code: 'webbridge/trust-bundle', status: 'info' });
    expect(fs[0]!.detail).toMatch(/callbridge/);
  });
  it('webbridge3: C2W trust bundle none is missing; the CA of the call bridge certificate is enough', async () => {
    expect((await run([memFile('m', 'cms-mmp-webbridge3', webbridge3('none'))]))[0]).toMatchObject({
      code: 'webbridge/trust-bundle-missing',
      status: 'fail',
    });
    const fs = await run([
      memFile('m', 'cms-mmp-webbridge3', webbridge3('ca.cer')),
      memFile('c', 'cms-mmp-callbridge', callbridge),
      memFile('x/callbridge.cer', 'x509-pem', cb.certPem),
      memFile('x/ca.cer', 'x509-pem', cb.intermediatePem!),
    ]);
    expect(fs.map((f) => [f.code, f.status])).toEqual([['webbridge/trust-bundle', 'pass']]);
  });
});

describe('recognisers', () => {
  const kinds = (t: string) =>
    RECOGNISERS.filter((r) => r.recognise(Buffer.from(t), 'x'))
      .map((r) => r.kind)
      .slice(0, 1);
  it('decide by content', () => {
    expect(kinds(webbridge('none'))).toEqual(['cms-mmp-webbridge']);
    expect(kinds(webbridge3('none'))).toEqual(['cms-mmp-webbridge3']);
    expect(kinds(callbridge)).toEqual(['cms-mmp-callbridge']);
    expect(kinds('Enabled : true\nKey file : a\n')).toEqual([]);
    expect(kinds(cb.certPem)).toEqual([]);
  });
});
