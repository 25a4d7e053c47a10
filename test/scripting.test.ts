/** The README's scripting example, run against loopback DNS servers: one package's checks, no CLI. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '@cms-doctor/core';
import { plugin as dns } from '@cms-doctor/dns';
import { startLabDns, type LabDns } from '@cms-doctor/lab';

let inside: LabDns;
let outside: LabDns;
beforeAll(async () => {
  inside = await startLabDns({ host: '127.0.0.1', records: [{ name: 'cmsweb.octavio.com', type: 'A', value: '127.16.85.180' }] });
  outside = await startLabDns({ host: '127.0.0.1', records: [{ name: 'cmsweb.octavio.com', type: 'A', value: '127.88.246.156' }] });
});
afterAll(async () => {
  await inside.close();
  await outside.close();
});

describe('scripting with one package', () => {
  it('runs the DNS checks with runChecks and gets findings as data', async () => {
    const { findings } = await runChecks(dns.checks, {
      mode: 'live',
      target: {
        external: 'cmsweb.octavio.com',
        internalDns: `127.0.0.1:${inside.port}`,
        externalDns: `127.0.0.1:${outside.port}`,
        edgeNatAddress: '127.88.246.156',
        cmsAddress: '127.16.85.180',
      },
    });
    expect(findings.find((f) => f.check === 'dns.webbridge')).toMatchObject({ status: 'pass', code: 'dns/webbridge' });
    expect(findings.filter((f) => f.status === 'fail')).toEqual([]);
  });
});
