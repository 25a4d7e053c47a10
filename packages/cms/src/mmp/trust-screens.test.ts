import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isCmsDoctorError } from '@cms-doctor/core';
import { parseMmpWebbridge, hasMmpWebbridge } from './webbridge.js';
import { parseMmpWebbridge3, hasMmpWebbridge3 } from './webbridge3.js';
import { parseMmpCallbridge, hasMmpCallbridge } from './callbridge.js';

// Verbatim from the source document (cms-proxy-webrtc-dual-domain, CMS configuration step 2), spacing as in the original.
const DOC = `proxyWebRTC> callbridge
Listening interfaces : a
Preferred interface : none
Key file             : callbridge.key
Certificate file     : callbridge.cer
Address              : none
CA Bundle file      : root.cer
proxyWebRTC>
proxyWebRTC> webbridge
Enabled              : true
Interface whitelist : a:443
Key file             : webbridge.key
Certificate file     : webbridge.cer
CA Bundle file      : root.cer
Trust bundle        : callbridge.cer
HTTP redirect       : Enabled
Clickonce URL       : none
MSI download URL    : none
DMG download URL    : none
iOS download URL    : none
proxyWebRTC>`;

// The document's troubleshooting case.
const BROKEN = `proxyWebRTC> webbridge
Enabled                : true
Interface whitelist   : a:443
Key file               : webbridge.key
Certificate file      : webbridge.cer
CA Bundle file       : root.cer
Trust bundle          : none
HTTP redirect        : Enabled
Clickonce URL        : none
proxyWebRTC>
`;

// TechNote 221729 (CMS 3.x).
const WB3 = `CMS> webbridge3
Enabled                               : true
HTTPS listening ports and interfaces  : a:445 b:445
HTTPS Key file                        : edge.key
HTTPS Full chain certificate file     : cmsedge-fullchain.cer
HTTPS Frame-Ancestors                 : none
HTTP redirect                         : Disabled
C2W listening ports and interfaces    : a:6000
C2W Key file                          : edge.key
C2W Full chain certificate file       : cmsedge-fullchain.cer
C2W Trust bundle                      : cmscore-fullchain.cer
Meetingapps address                   : none
`;
const CB3 = `cms01> callbridge
Listening interfaces  : a
Preferred interface   : none
Key file              : cms.key
Certificate file      : cms.cer
Address               : none
CA Bundle file        : root.cer
C2W trusted certs                   : cms.cer
Callbridge cluster trusted certs    : cms.cer
WC3 JWT Expiry in hours   : 24 AV1 Video Codec : enabled
`;

// TechNote 221729 (CMS Edge, 3.x): the call bridge on the core; its column alignment differs per block.
const CB3_EDGE = `CMS> callbridge
Listening interfaces  : a
Preferred interface   : none
Key file              : core.key
Certificate file      : cmscore-fullchain.cer
Address               : none
C2W trusted certs                   : cmsedge-fullchain.cer
Callbridge cluster trusted certs    : none
Callbridge trust branding certs     : none
UCM trusted certs         : none
UCM verification mode     : disabled
IMPS trusted certs        : none
IMPS verification mode    : disabled
WC3 JWT Expiry in hours   : 24
`;

describe('MMP webbridge (2.x)', () => {
  it('reads the document output, webbridge and callbridge in one capture', () => {
    const w = parseMmpWebbridge(DOC);
    expect(w).toMatchObject({
      enabled: true,
      interfaceWhitelist: ['a:443'],
      keyFile: 'webbridge.key',
      certificateFile: 'webbridge.cer',
      caBundleFile: 'root.cer',
      trustBundle: 'callbridge.cer',
      httpRedirect: true,
    });
    expect(w.lines.trustBundle).toBe(15);
    const c = parseMmpCallbridge(DOC);
    expect(c).toMatchObject({
      listeningInterfaces: ['a'],
      preferredInterface: null,
      keyFile: 'callbridge.key',
      certificateFile: 'callbridge.cer',
      caBundleFile: 'root.cer',
    });
    expect(c.lines.certificateFile).toBe(5);
  });
  it('"Trust bundle : none" is null, with CRLF and odd spacing', () => {
    const w = parseMmpWebbridge(BROKEN.replace(/\n/g, '\r\n').replace(/ {3,}/g, '\t '));
    expect(w.trustBundle).toBeNull();
    expect(w.lines.trustBundle).toBe(7);
  });
  it('without prompts too', () => {
    expect(
      parseMmpWebbridge(
        BROKEN.split('\n')
          .filter((l) => !l.includes('>'))
          .join('\n'),
      ).trustBundle,
    ).toBeNull();
  });
  it('is not confused with webbridge3 or callbridge', () => {
    expect(hasMmpWebbridge(WB3)).toBe(false);
    expect(hasMmpWebbridge(CB3)).toBe(false);
    expect(() => parseMmpWebbridge('hello')).toThrow(/no MMP `webbridge`/);
  });
});

describe('MMP webbridge3 and callbridge (3.x)', () => {
  it('reads TechNote 221729', () => {
    expect(parseMmpWebbridge3(WB3)).toMatchObject({
      enabled: true,
      httpsListen: ['a:445', 'b:445'],
      c2wListen: ['a:6000'],
      c2wTrustBundle: 'cmscore-fullchain.cer',
      httpRedirect: false,
    });
    expect(hasMmpWebbridge3(DOC)).toBe(false);
  });
  it('reads TechNote 221776 callbridge with the AV1 copy artefact', () => {
    expect(parseMmpCallbridge(CB3)).toMatchObject({
      certificateFile: 'cms.cer',
      c2wTrustedCerts: 'cms.cer',
      clusterTrustedCerts: 'cms.cer',
    });
    expect(hasMmpCallbridge(WB3)).toBe(false);
  });
  it('reads TechNote 221729 callbridge: C2W trusted certs with its line; none is null', () => {
    const c = parseMmpCallbridge(CB3_EDGE);
    expect(c).toMatchObject({
      certificateFile: 'cmscore-fullchain.cer',
      c2wTrustedCerts: 'cmsedge-fullchain.cer',
      clusterTrustedCerts: null,
    });
    expect(c.lines.c2wTrustedCerts).toBe(7);
    expect(parseMmpCallbridge(CB3_EDGE.replace(': cmsedge-fullchain.cer', ': none')).c2wTrustedCerts).toBeNull();
    // The 2.x shape has no C2W line: undefined, not null.
    expect(parseMmpCallbridge(DOC).c2wTrustedCerts).toBeUndefined();
  });
  it('webbridge3 C2W certificate file and callbridge C2W trust in one transcript', () => {
    const t = `${CB3_EDGE}${WB3}`;
    expect(parseMmpCallbridge(t).c2wTrustedCerts).toBe('cmsedge-fullchain.cer');
    expect(parseMmpWebbridge3(t)).toMatchObject({ c2wCertificateFile: 'cmsedge-fullchain.cer', c2wTrustBundle: 'cmscore-fullchain.cer' });
  });
});

describe('fuzz: parsers never crash (records run counts)', () => {
  const RUNS = 2000;
  const parsers = [parseMmpWebbridge, parseMmpWebbridge3, parseMmpCallbridge];
  it(`random text (${RUNS} runs x 3 parsers)`, () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (t) => {
        for (const p of parsers)
          try {
            p(t);
          } catch (e) {
            if (!isCmsDoctorError(e)) throw e;
          }
      }),
      { numRuns: RUNS },
    );
  });
  it(`real screens with mangled spacing, line ends and dropped lines keep the trust bundle (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.nat(20),
        (eol, pad, lead, drop) => {
          const lines = BROKEN.split('\n')
            .map((l) => l.replace(/\s*:\s*/, `${' '.repeat(pad)}:${' '.repeat(lead)}`))
            .filter((l, i) => i !== drop || /Trust|whitelist/.test(l));
          const w = parseMmpWebbridge(lines.join(eol));
          expect(w.trustBundle).toBeNull();
        },
      ),
      { numRuns: RUNS },
    );
  });
  it(`callbridge 3.x with mangled spacing, line ends and dropped lines keeps "C2W trusted certs: none" (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.nat(15),
        (eol, pad, lead, drop) => {
          const lines = CB3_EDGE.replace(': cmsedge-fullchain.cer', ': NONE')
            .split('\n')
            .map((l) => l.replace(/\s*:\s*/, `${' '.repeat(pad)}:${' '.repeat(lead)}`))
            .filter((l, i) => i !== drop || /Listening|Preferred|Certificate file|C2W/.test(l));
          const c = parseMmpCallbridge(lines.join(eol));
          expect(c.c2wTrustedCerts).toBeNull();
          expect(c.lines.c2wTrustedCerts).toBeGreaterThan(0);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
