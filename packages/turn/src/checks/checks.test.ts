import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret, runChecks, CMS_TURN_SERVERS, type Target } from '@cms-doctor/core';
import { hasPeer } from '../../../../test/helpers/peers.js';
import { startCoturn, type Coturn } from '../../test/coturn.js';
import { plugin } from '../plugin.js';
import { planTurn, splitHostPort } from './server.js';
import { longTermKey } from '../codec/integrity.js';

describe('planTurn', () => {
  const get =
    (data: Record<string, unknown>) =>
    <T>(id: string): T | undefined =>
      data[id] as T | undefined;
  it('target.turn, else the edge host, else dns.webbridge; username from CMS when not given', () => {
    expect(splitHostPort('[::1]:3479', 3478)).toEqual({ host: '::1', port: 3479 });
    expect(planTurn({ target: { turn: '127.0.0.1:3479', turnUser: 'u' }, get: get({}) })).toMatchObject({
      host: '127.0.0.1',
      ports: { udp: 3479, tcp: 3479, tls: 443 },
      missing: ['turnPassword'],
    });
    expect(
      planTurn({
        target: { edge: 'vcse.example:443' },
        get: get({ [CMS_TURN_SERVERS]: { username: 'cmsuser', tcpPortNumberOverride: 3478 } }),
      }),
    ).toMatchObject({
      host: 'vcse.example',
      ports: { udp: 3478 },
      username: 'cmsuser',
      usernameFrom: 'cms.turn-servers',
      tcpExpected: true,
    });
    expect(
      planTurn({ target: { external: 'x' }, get: get({ 'dns.webbridge': { externalAddresses: ['127.0.0.9'], internalAddresses: [] } }) }),
    ).toMatchObject({ host: '127.0.0.9', from: 'dns.webbridge' });
    expect(planTurn({ target: { external: 'x' }, get: get({}) })).toBeUndefined();
  });

  it('TLS is expected only when asked for: --turn-tls-port, --transport tls, or CMS pointing clients at the TLS port', () => {
    expect(planTurn({ target: { turn: '127.0.0.1:3478' }, get: get({}) })).toMatchObject({ tlsExpected: false, ports: { tls: 443 } });
    expect(planTurn({ target: { edge: '127.0.0.1:8443' }, get: get({}) })).toMatchObject({ tlsExpected: false, ports: { tls: 8443 } });
    expect(planTurn({ target: { turn: '127.0.0.1', turnTlsPort: 5349 }, get: get({}) })?.tlsExpected).toBe(true);
    expect(planTurn({ target: { turn: '127.0.0.1', turnTransports: ['tls'] }, get: get({}) })?.tlsExpected).toBe(true);
    expect(planTurn({ target: { turn: '127.0.0.1' }, get: get({ [CMS_TURN_SERVERS]: { tcpPortNumberOverride: 443 } }) })?.tlsExpected).toBe(
      true,
    );
    expect(
      planTurn({ target: { turn: '127.0.0.1' }, get: get({ [CMS_TURN_SERVERS]: { tcpPortNumberOverride: 3478 } }) })?.tlsExpected,
    ).toBe(false);
  });
});

describe.skipIf(!hasPeer('turnserver'))('checks through the runner, against coturn', () => {
  let coturn: Coturn;
  beforeAll(async () => {
    coturn = await startCoturn();
  });
  afterAll(async () => {
    await coturn?.stop();
  });

  it('pass for allocate and media path; the password never reaches a finding', async () => {
    const password = 'cisco';
    const target: Target = {
      turn: `127.0.0.1:${coturn.port}`,
      turnTransports: ['udp', 'tcp'],
      turnUser: 'turnuser',
      turnPassword: new Secret(password),
      mediaPortRange: coturn.relayRange,
    };
    const { findings } = await runChecks(plugin.checks, { target, mode: 'live' });
    expect(findings.map((f) => `${f.check} ${f.code} ${f.status}`)).toEqual([
      'turn.allocate turn/allocate pass',
      'turn.allocate turn/allocate pass',
      'turn.media-path turn/media-path pass',
    ]);
    const text = JSON.stringify(findings);
    expect(text).not.toContain(password);
    expect(text).not.toContain(longTermKey('turnuser', 'example', password).toString('hex'));
    expect(text).toContain('stun-transaction');
  });

  it('wrong password: credentials rejected; no password: skip with needs', async () => {
    const bad = await runChecks(plugin.checks, {
      target: { turn: `127.0.0.1:${coturn.port}`, turnTransports: ['udp'], turnUser: 'turnuser', turnPassword: new Secret('nope') },
      mode: 'live',
    });
    expect(bad.findings.filter((f) => f.check === 'turn.allocate').map((f) => f.code)).toEqual(['turn/credentials-rejected']);
    const none = await runChecks(plugin.checks, {
      target: { turn: `127.0.0.1:${coturn.port}`, turnTransports: ['udp'], turnUser: 'turnuser' },
      mode: 'live',
    });
    expect(none.findings.map((f) => [f.code, f.status, f.needs])).toEqual([
      ['turn/allocate', 'skip', ['turnPassword']],
      ['turn/media-path', 'skip', ['turnPassword']],
    ]);
  });
});

describe.skipIf(!hasPeer('turnserver') || !hasPeer('openssl'))('checks through the runner, against coturn over TLS', () => {
  let coturn: Coturn;
  beforeAll(async () => {
    coturn = await startCoturn({ tls: true });
  });
  afterAll(async () => {
    await coturn?.stop();
  });
  // An address for the edge and its name from `external`, the CA from a file, as `probe turn --ca` gives them.
  const target = (password: string): Target => ({
    turn: `127.0.0.1:${coturn.port}`,
    turnTlsPort: coturn.tls!.port,
    turnTransports: ['tls'],
    turnUser: 'turnuser',
    turnPassword: new Secret(password),
    external: coturn.tls!.servername,
    ca: [coturn.tls!.caFile],
    mediaPortRange: coturn.relayRange,
  });

  it('right password over TLS passes; wrong password is credentials rejected', async () => {
    const good = await runChecks(plugin.checks, { target: target('cisco'), mode: 'live' });
    expect(good.findings.map((f) => `${f.check} ${f.code} ${f.status}`)).toEqual([
      'turn.allocate turn/allocate pass',
      'turn.media-path turn/media-path pass',
    ]);
    const bad = await runChecks(plugin.checks, { target: target('nope'), mode: 'live' });
    expect(bad.findings.filter((f) => f.check === 'turn.allocate').map((f) => `${f.code} ${f.status}`)).toEqual([
      'turn/credentials-rejected fail',
    ]);
  });
});
