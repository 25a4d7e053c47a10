import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runChecks, type TriageFile } from '@cms-doctor/core';
import { RECOGNISERS, parseMmpCallbridge } from '@cms-doctor/cms';
import { loadCertificates } from '@cms-doctor/certs';
import { createLabPki, type LabPki } from '../../lab/src/pki/index.js';
import { memFile } from '../../certs/src/testing/mem-file.js';
import { c2wTrustCheck, trustBundleCheck } from './checks.js';
import { c2wAnchor, judgeC2wTrust } from './c2w.js';

// Shapes of Cisco TechNote 221729 (CMS Edge, 3.x) as cms-expressway-facts.md section 3.2/3.3 quotes them.
const callbridge3 = (c2w: string) => `CMS> callbridge
Listening interfaces  : a
Preferred interface   : none
Key file              : core.key
Certificate file      : cmscore-fullchain.cer
Address               : none
C2W trusted certs                   : ${c2w}
Callbridge cluster trusted certs    : none
Callbridge trust branding certs     : none
UCM trusted certs         : none
UCM verification mode     : disabled
IMPS trusted certs        : none
IMPS verification mode    : disabled
WC3 JWT Expiry in hours   : 24
`;
const webbridge3 = (enabled = 'true', c2wCert = 'cmsedge-fullchain.cer') => `CMS> webbridge3
Enabled                               : ${enabled}
HTTPS listening ports and interfaces  : a:445 b:445
HTTPS Key file                        : edge.key
HTTPS Full chain certificate file     : cmsedge-fullchain.cer
HTTPS Frame-Ancestors                 : none
HTTP redirect                         : Disabled
C2W listening ports and interfaces    : a:6000
C2W Key file                          : edge.key
C2W Full chain certificate file       : ${c2wCert}
C2W Trust bundle                      : cmscore-fullchain.cer
Meetingapps address                   : none
Meetingapps port                      : none
Audio priority flag                   : Enabled
Beta options                          : none
`;
// The source document's 2.x callbridge (no C2W line) and webbridge screens.
const callbridge2 = `proxyWebRTC> callbridge\nListening interfaces : a\nPreferred interface : none\nKey file             : callbridge.key\nCertificate file     : callbridge.cer\nAddress              : none\nCA Bundle file      : root.cer\n`;
const webbridge2 = `proxyWebRTC> webbridge\nEnabled              : true\nInterface whitelist : a:443\nTrust bundle        : callbridge.cer\n`;

let edge: LabPki;
let core: LabPki;
let other: LabPki;
beforeAll(async () => {
  edge = await createLabPki({ names: ['edge.cms.demo'], kind: 'ecdsa' });
  core = await createLabPki({ names: ['core.cms.demo'], kind: 'rsa' });
  other = await createLabPki({ names: ['other.cms.demo'], kind: 'rsa', variant: 'self-signed' });
});
const run = async (files: TriageFile[]) => (await runChecks([c2wTrustCheck], { target: {}, mode: 'offline', files })).findings;
const kinds = (fs: { code: string; status: string }[]) => fs.map((f) => [f.code, f.status]);

describe('webbridge.c2w-trust: C2W trusted certs none', () => {
  it('is c2w-trust-missing, documented, with the MMP lines of both servers as evidence', async () => {
    const fs = await run([
      memFile('core/callbridge.txt', 'cms-mmp-callbridge', callbridge3('none')),
      memFile('edge/wb3.txt', 'cms-mmp-webbridge3', webbridge3()),
    ]);
    expect(kinds(fs)).toEqual([['webbridge/c2w-trust-missing', 'fail']]);
    expect(fs[0]).toMatchObject({ fixes: ['callbridge-c2w-trust'], basis: 'documented', subject: 'core/callbridge.txt:7' });
    expect(fs[0]!.evidence).toEqual([
      { kind: 'mmp-line', file: 'core/callbridge.txt', line: 7, text: 'C2W trusted certs : none' },
      { kind: 'mmp-line', file: 'edge/wb3.txt', line: 10, text: 'C2W Full chain certificate file : cmsedge-fullchain.cer' },
    ]);
  });
  it('fails too with the callbridge output alone, CRLF and mangled spacing', async () => {
    const text = callbridge3('none').replace(/\n/g, '\r\n').replace(/ {2,}/g, '\t ');
    expect(kinds(await run([memFile('cb', 'cms-mmp-callbridge', text)]))).toEqual([['webbridge/c2w-trust-missing', 'fail']]);
  });
  it('is only info when web bridge 3 is disabled, or when the bundle shows only Web Bridge 2', async () => {
    expect(kinds(await run([memFile('m', 'cms-mmp-transcript', callbridge3('none') + webbridge3('false'))]))).toEqual([
      ['webbridge/c2w-trust', 'info'],
    ]);
    expect(kinds(await run([memFile('m', 'cms-mmp-transcript', callbridge3('none') + webbridge2)]))).toEqual([
      ['webbridge/c2w-trust', 'info'],
    ]);
  });
  it('a 2.x callbridge screen (no C2W line) gives no finding', async () => {
    expect(await run([memFile('m', 'cms-mmp-callbridge', callbridge2)])).toEqual([]);
  });
});

describe('webbridge.c2w-trust: the named file against the web bridge 3 C2W certificate', () => {
  const bundle = (trusted: string, content: string) => [
    memFile('core/callbridge.txt', 'cms-mmp-callbridge', callbridge3(trusted)),
    memFile('edge/webbridge3.txt', 'cms-mmp-webbridge3', webbridge3()),
    memFile('certs.tgz!/edge/cmsedge-fullchain.cer', 'x509-pem', edge.fullChainPem),
    ...(trusted === 'cmsedge-fullchain.cer' ? [] : [memFile(`core/${trusted}`, 'x509-pem', content)]),
  ];
  it('TechNote 221729: the call bridge trusts the edge full chain itself: pass', async () => {
    const fs = await run(bundle('cmsedge-fullchain.cer', ''));
    expect(kinds(fs)).toEqual([['webbridge/c2w-trust', 'pass']]);
    expect(fs[0]!.title).toMatch(/holds the web bridge 3 C2W certificate/);
  });
  it.each([
    ['the issuing intermediate', () => edge.intermediatePem!],
    ['the root above it', () => edge.rootPem],
  ])('a file with %s (callbridge trust c2w <ca>): pass through the CA', async (_, pem) => {
    const fs = await run(bundle('edge-ca.cer', pem()));
    expect(kinds(fs)).toEqual([['webbridge/c2w-trust', 'pass']]);
    expect(fs[0]!.detail).toMatch(/trusted through .*lab (intermediate|root) CA/);
  });
  it.each([
    ['another server certificate', () => other.certPem],
    ['the call bridge own chain', () => core.certPem],
  ])('a file with %s: c2w-trust-mismatch, inferred, with both certificates as evidence', async (_, pem) => {
    // Lab PKIs of one key kind share CA keys and names, so the strangers here are a self-signed certificate and a leaf, never a CA.
    const fs = await run(bundle('wrong.cer', pem()));
    expect(kinds(fs)).toEqual([['webbridge/c2w-trust-mismatch', 'fail']]);
    expect(fs[0]).toMatchObject({ basis: 'inferred', fixes: ['callbridge-c2w-trust'] });
    expect(fs[0]!.evidence.map((e) => e.kind)).toEqual(['mmp-line', 'mmp-line', 'certificate', 'certificate-file']);
    expect(fs[0]!.evidence[2]).toMatchObject({ role: 'web bridge 3 C2W certificate', subject: expect.stringMatching(/edge\.cms\.demo/) });
  });
  it('files absent: info naming what to add; equal names are pointed out', async () => {
    const fs = await run([memFile('m', 'cms-mmp-transcript', callbridge3('cmsedge-fullchain.cer') + webbridge3())]);
    expect(kinds(fs)).toEqual([['webbridge/c2w-trust', 'info']]);
    expect(fs[0]!.detail).toMatch(/cmsedge-fullchain\.cer.*names agree/);
    const alone = await run([memFile('cb', 'cms-mmp-callbridge', callbridge3('cms.cer'))]);
    expect(alone[0]!.detail).toMatch(/MMP `webbridge3` output/);
  });
  it('several web bridge 3 servers: one finding each', async () => {
    const fs = await run([
      memFile('core/cb.txt', 'cms-mmp-callbridge', callbridge3('cmsedge-fullchain.cer')),
      memFile('edge1/wb3.txt', 'cms-mmp-webbridge3', webbridge3()),
      memFile('edge2/wb3.txt', 'cms-mmp-webbridge3', webbridge3('true', 'edge2.cer')),
      memFile('c/cmsedge-fullchain.cer', 'x509-pem', edge.fullChainPem),
      memFile('c/edge2.cer', 'x509-pem', other.certPem),
    ]);
    expect(kinds(fs)).toEqual([
      ['webbridge/c2w-trust', 'pass'],
      ['webbridge/c2w-trust-mismatch', 'fail'],
    ]);
  });
});

describe('both trust checks over one TechNote 221729 style bundle', () => {
  it('C2W none on both sides: the web bridge side and the call bridge side each reported once', async () => {
    const cb = callbridge3('none');
    const wb3 = webbridge3().replace(
      'C2W Trust bundle                      : cmscore-fullchain.cer',
      'C2W Trust bundle                      : none',
    );
    const files = [memFile('core.txt', 'cms-mmp-callbridge', cb), memFile('edge.txt', 'cms-mmp-webbridge3', wb3)];
    const r = await runChecks([trustBundleCheck, c2wTrustCheck], { target: {}, mode: 'offline', files });
    expect(r.findings.map((f) => [f.check, f.code, f.status])).toEqual([
      ['webbridge.trust-bundle', 'webbridge/trust-bundle-missing', 'fail'],
      ['webbridge.c2w-trust', 'webbridge/c2w-trust-missing', 'fail'],
    ]);
  });
  it('the 3.x screens are recognised by content', () => {
    const kind = (t: string) => RECOGNISERS.find((r) => r.recognise(Buffer.from(t), 'x'))?.kind;
    expect(kind(callbridge3('none'))).toBe('cms-mmp-callbridge');
    expect(kind(webbridge3())).toBe('cms-mmp-webbridge3');
  });
});

describe('c2wAnchor and judgeC2wTrust (pure)', () => {
  it('follows the full chain by signature, not by name', () => {
    const chain = loadCertificates(edge.fullChainPem).certificates;
    expect(c2wAnchor(chain, loadCertificates(edge.rootPem).certificates)?.by).toBe('ca');
    expect(c2wAnchor(chain.slice(0, 1), loadCertificates(edge.rootPem).certificates)).toBeUndefined();
    expect(c2wAnchor(chain, chain.slice(0, 1))?.by).toBe('certificate');
    expect(c2wAnchor([], chain)).toBeUndefined();
  });
  it(`never throws on any callbridge text (fuzz, 1000 runs)`, () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.constantFrom('none', 'x.cer', ''), (junk, v) => {
        let cb;
        try {
          cb = parseMmpCallbridge(callbridge3(v) + junk);
        } catch {
          return;
        }
        const fs = judgeC2wTrust({ file: 'f', callbridge: cb, webbridge3: [], certificateFile: () => undefined });
        for (const f of fs) expect(['webbridge/c2w-trust', 'webbridge/c2w-trust-missing']).toContain(f.code);
      }),
      { numRuns: 1000 },
    );
  });
});
