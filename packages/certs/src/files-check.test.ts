import { describe, expect, it } from 'vitest';
import { runChecks } from '@cms-doctor/core';
import { memFile } from './testing/mem-file.js';
import { createLabPki } from '../../lab/src/pki/index.js';
import { filesCheck } from './checks.js';

describe('cert.files (offline)', () => {
  it('judges the web bridge certificate with issuers from other files; other certificates for validity only', async () => {
    const edge = await createLabPki({ names: ['vcse.octavio.com', 'octavio.com'], kind: 'rsa', variant: 'missing-intermediate' });
    const cb = await createLabPki({ names: ['cmsweb.cms.octavio.local'], variant: 'expired' });
    const rejected: string[] = [];
    const files = [
      memFile('bundle/edge.pem', 'x509-pem', edge.certPem),
      memFile('bundle/callbridge.cer', 'x509-pem', cb.certPem),
      memFile('bundle/root.cer', 'x509-pem', cb.rootPem + cb.intermediatePem),
      memFile('bundle/broken.pem', 'x509-pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', rejected),
    ];
    const r = await runChecks([filesCheck], { target: { external: 'cmsweb.octavio.com' }, mode: 'offline', files });
    const problems = r.findings.filter((f) => f.status !== 'info').map((f) => [f.code, f.status, f.subject?.split(':')[0]]);
    expect(problems).toEqual([
      ['cert/san-missing', 'fail', 'bundle/edge.pem'],
      ['cert/chain-incomplete', 'fail', 'bundle/edge.pem'],
      ['cert/expired', 'fail', 'bundle/callbridge.cer'],
    ]);
    expect(rejected).toEqual([expect.stringMatching(/broken\.pem: .*X\.509/)]);
  });
});
