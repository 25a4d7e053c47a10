import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret, runChecks, type Target, type Finding } from '@cms-doctor/core';
import { startCmsSimulator, type CmsSimulatorOptions } from '../../../lab/src/cms-sim/index.js';
import { selfSignedCert } from '../../test-support/tls.js';
import { hasPeer } from '../../../../test/helpers/peers.js';
import { createCmsApi, apiBase } from './client.js';
import { isCmsApiError } from './errors.js';
import { getCoSpaces, getTurnServers, getTurnServerStatus, getLicensing, getInboundDialPlanRules, getSystemStatus } from './resources.js';
import { LIVE_CHECKS } from '../checks/live.js';

const PASSWORD = 'hunter2-sim';
const haveOpenssl = hasPeer('openssl');
const tls = haveOpenssl ? selfSignedCert() : undefined;
afterAll(() => tls?.cleanup());

async function sim(extra: Partial<CmsSimulatorOptions> = {}) {
  return startCmsSimulator({ host: '127.0.0.1', tls: { key: tls!.key, cert: tls!.cert }, user: 'admin', password: PASSWORD, ...extra });
}
const target = (url: string, extra: Partial<Target> = {}): Target => ({
  cmsApi: url,
  cmsUser: 'admin',
  cmsPassword: new Secret(PASSWORD),
  ca: [tls!.caFile],
  internalDomain: 'cms.octavio.local',
  external: 'cmsweb.octavio.com',
  edgeNatAddress: '127.0.0.1',
  ...extra,
});
const run = async (t: Target): Promise<Finding[]> =>
  (await runChecks(LIVE_CHECKS, { target: t, mode: 'live', checkTimeoutMs: 5000 })).findings;
const codes = (fs: Finding[]) =>
  fs
    .filter((f) => ['fail', 'warn', 'error'].includes(f.status))
    .map((f) => f.code)
    .sort();

describe('apiBase', () => {
  it('adds /api/v1 once and drops credentials', () => {
    expect(apiBase('https://u:p@h:445')).toBe('https://h:445/api/v1');
    expect(apiBase('https://h:445/api/v1/')).toBe('https://h:445/api/v1');
  });
});

describe.skipIf(!haveOpenssl)('CMS API client against the simulator', () => {
  let s: Awaited<ReturnType<typeof sim>>;
  beforeAll(async () => {
    s = await sim({ faults: ['many-spaces'] });
  });
  afterAll(async () => {
    await s.close();
  });

  it('pages through a collection the server caps at 10 per page', async () => {
    const api = await createCmsApi({ url: s.url, user: 'admin', password: new Secret(PASSWORD), caFiles: [tls!.caFile], pageLimit: 50 });
    try {
      const spaces = await getCoSpaces(api, AbortSignal.timeout(5000));
      expect(spaces.total).toBe(27);
      expect(spaces.value).toHaveLength(27);
      expect(spaces.xml.length).toBe(3);
      const turn = await getTurnServers(api, AbortSignal.timeout(5000));
      expect(turn.value[0]?.serverAddress).toBe('127.0.0.1');
      const st = await getTurnServerStatus(api, turn.value[0]!.id, AbortSignal.timeout(5000));
      expect(st.value).toMatchObject({ status: 'success', hosts: [{ reachable: true, portNumber: 3478 }] });
      const rules = await getInboundDialPlanRules(api, AbortSignal.timeout(5000));
      expect(rules.value.map((r) => [r.domain, r.resolveToCoSpaces])).toEqual([
        ['cms.octavio.local', true],
        ['octavio.com', true],
      ]);
      const lic = await getLicensing(api, '2.9.1', AbortSignal.timeout(5000));
      expect(lic.value.features[0]).toMatchObject({ name: 'callBridge', status: 'activated' });
    } finally {
      await api.close();
    }
  });

  it('maps 401, 404 and untrusted TLS to typed errors without the password', async () => {
    const bad = await createCmsApi({ url: s.url, user: 'admin', password: new Secret('wrong'), caFiles: [tls!.caFile] });
    const e1 = await getSystemStatus(bad, AbortSignal.timeout(5000)).catch((e: unknown) => e);
    await bad.close();
    expect(isCmsApiError(e1) && e1.kind).toBe('unauthorized');
    const api = await createCmsApi({ url: s.url, user: 'admin', password: new Secret(PASSWORD), caFiles: [tls!.caFile] });
    const e2 = await api.get('/coSpaces/nope', AbortSignal.timeout(5000)).catch((e: unknown) => e);
    await api.close();
    expect(isCmsApiError(e2) && [e2.kind, e2.failures]).toEqual(['not-found', ['coSpaceDoesNotExist']]);
    const untrusted = await createCmsApi({ url: s.url, user: 'admin', password: new Secret(PASSWORD) });
    const e3 = await getSystemStatus(untrusted, AbortSignal.timeout(5000)).catch((e: unknown) => e);
    await untrusted.close();
    expect(isCmsApiError(e3) && e3.kind).toBe('tls');
    for (const e of [e1, e2, e3]) expect(JSON.stringify({ m: (e as Error).message, e })).not.toContain(PASSWORD);
    const insecure = await createCmsApi({ url: s.url, user: 'admin', password: new Secret(PASSWORD), insecure: true });
    expect((await getSystemStatus(insecure, AbortSignal.timeout(5000))).value.softwareVersion).toBe('2.9.1');
    await insecure.close();
  });

  it('caps the body size', async () => {
    const api = await createCmsApi({
      url: s.url,
      user: 'admin',
      password: new Secret(PASSWORD),
      caFiles: [tls!.caFile],
      maxBodyBytes: 100,
    });
    const e = await getCoSpaces(api, AbortSignal.timeout(5000)).catch((x: unknown) => x);
    await api.close();
    expect(isCmsApiError(e) && e.kind).toBe('body-too-large');
  });
});

describe.skipIf(!haveOpenssl)('live checks against simulator scenarios', () => {
  it('a healthy simulator gives no problem and publishes the TURN username and version', async () => {
    const s = await sim({
      turn: { serverAddress: '127.0.0.1', clientAddress: '127.0.0.1', username: 'turnuser', tcpPortNumberOverride: 3478 },
    });
    try {
      const r = await runChecks(LIVE_CHECKS, { target: target(s.url), mode: 'live', checkTimeoutMs: 5000 });
      expect(codes(r.findings)).toEqual([]);
      expect(r.findings.find((f) => f.check === 'cms.turn-client-address')?.status).toBe('pass');
      expect(JSON.stringify(r)).not.toContain(PASSWORD);
    } finally {
      await s.close();
    }
  });

  it.each([
    [['turn-not-configured'], ['cms/turn-not-configured']],
    [['turn-status-unreachable'], ['cms/turn-status-failure']],
    [['no-spaces'], ['cms/no-spaces']],
    [['call-matching-missing-external-domain'], ['cms/call-matching-domain-missing']],
    [['call-matching-not-spaces'], ['cms/call-matching-domain-missing', 'cms/call-matching-domain-missing']],
    [['license-inactive'], ['cms/license-inactive']],
    [['webbridge-connection-failure'], ['webbridge/callbridge-connect-failure']],
    [['webbridge-dns-failure'], ['webbridge/callbridge-connect-failure']],
    [
      ['alarm-turnServerUnavailable', 'alarm-xmppRegistrationFailure', 'alarm-somethingNew'],
      ['cms/alarm-active', 'cms/alarm-xmpp-registration', 'cms/turn-status-failure'],
    ],
  ])('fault %j gives %j', async (faults, expected) => {
    const s = await sim({ faults });
    try {
      expect(codes(await run(target(s.url)))).toEqual(expected);
    } finally {
      await s.close();
    }
  });

  it('CMS 3.8 reads /clusterLicensing and reports a licence problem there', async () => {
    const s = await sim({ version: '3.8', faults: ['license-expired'] });
    try {
      const fs = await run(target(s.url));
      const lic = fs.find((f) => f.check === 'cms.license')!;
      expect([lic.code, lic.subject]).toEqual(['cms/license-inactive', '/api/v1/clusterLicensing']);
    } finally {
      await s.close();
    }
  });

  it('an old CMS is unsupported', async () => {
    const s = await sim({ version: '2.1.1' });
    try {
      expect(codes(await run(target(s.url)))).toEqual(['cms/version-unsupported']);
    } finally {
      await s.close();
    }
  });

  it('a TURN clientAddress that is not the edge address fails', async () => {
    const s = await sim({ turn: { serverAddress: '127.0.0.1', clientAddress: '127.0.0.9', username: 'turnuser' } });
    try {
      expect(codes(await run(target(s.url)))).toEqual(['cms/turn-client-address-mismatch']);
    } finally {
      await s.close();
    }
  });

  it('a wrong password and a busy server are error findings, not crashes', async () => {
    const s = await sim({ faults: ['busy'] });
    try {
      const fs = await run(target(s.url, { cmsPassword: new Secret('nope') }));
      expect(new Set(codes(fs))).toEqual(new Set(['cms/check-error']));
      expect(fs.find((f) => f.check === 'cms.spaces')?.detail).toMatch(/password/);
      const busy = await run(target(s.url));
      expect(busy.find((f) => f.check === 'cms.spaces')?.detail).toMatch(/503/);
    } finally {
      await s.close();
    }
  });

  it('an API that stalls mid-body ends at the deadline', async () => {
    const s = await sim({ faults: ['stall-mid-body'] });
    try {
      const api = await createCmsApi({ url: s.url, user: 'admin', password: new Secret(PASSWORD), caFiles: [tls!.caFile] });
      const e = await getSystemStatus(api, AbortSignal.timeout(400)).catch((x: unknown) => x);
      await api.close();
      expect(isCmsApiError(e) && e.kind).toBe('timeout');
    } finally {
      await s.close();
    }
  });
});

describe('hostile CMS API servers', () => {
  it('plain http:// is refused before any request unless the caller opts in', async () => {
    await expect(createCmsApi({ url: 'http://127.0.0.1:9', user: 'admin', password: new Secret(PASSWORD) })).rejects.toThrow(
      /plain http:\/\/, which would send the password in clear/,
    );
  });

  it('endless pagination with big pages stops at the per-list byte cap, not at the deadline', async () => {
    const { createServer } = await import('node:http');
    let served = 0;
    // About 1 MiB a page, in few elements (parsing stays cheap), and a total that never ends.
    const spaces = Array.from({ length: 10 }, (_, i) => `<coSpace id="s${i}"><name>${'n'.repeat(100_000)}</name></coSpace>`).join('');
    const body = `<?xml version="1.0"?><coSpaces total="100000000">${spaces}</coSpaces>`;
    const server = createServer((_req, res) => {
      served++;
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const api = await createCmsApi({
      url: `http://127.0.0.1:${port}`,
      user: 'admin',
      password: new Secret(PASSWORD),
      allowPlainHttp: true,
      maxListBytes: 4 * 1024 * 1024,
    });
    try {
      const t0 = performance.now();
      const err = await api.list('/coSpaces', 'coSpace', AbortSignal.timeout(20_000)).catch((e: unknown) => e);
      expect(isCmsApiError(err) && err.kind).toBe('body-too-large');
      expect(String(err)).toMatch(/pages of this list exceed 4194304 bytes/);
      expect(served).toBeLessThanOrEqual(Math.ceil((4 * 1024 * 1024) / body.length) + 1);
      expect(performance.now() - t0).toBeLessThan(10_000);
    } finally {
      await api.close();
      server.close();
    }
  });
});
