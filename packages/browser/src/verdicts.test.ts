import { describe, expect, it } from 'vitest';
import { hostResolverRules } from './host-rules.js';
import { navigationVerdict, netErrorOf } from './net-error.js';
import { judgePage, type PageContext, type PageVisit } from './page-check.js';
import { judgeMedia, type MediaContext } from './media-verdict.js';
import { lossPercent, median } from './icetest-stats.js';
import { findChromium } from './chromium.js';
import type { IceTransportResult } from './ice-page.js';

const ctx: PageContext = {
  external: 'cmsweb.example.com',
  edge: { host: '127.0.0.1', port: 8443, from: '--edge' },
  caLoaded: 1,
  caGiven: 1,
  chromium: '/usr/bin/chromium',
};
const url = 'https://cmsweb.example.com:8443/';
const page = (status: number, body: string, statusText = ''): PageVisit => ({
  ok: true,
  url,
  status,
  statusText,
  headers: {},
  body,
  domTitle: '',
  redirects: [],
});
const failed = (netError: string): PageVisit => ({ ok: false, url, error: `page.goto: net::${netError} at ${url}`, netError });

describe('host resolver rules', () => {
  it('pins the external name to the edge and refuses every other name, leaving the literals in use alone', () => {
    expect(hostResolverRules({ name: 'cmsweb.example.com', to: '127.0.0.1' }, ['127.0.0.1', '127.0.0.2', '127.0.0.1'])).toBe(
      'MAP cmsweb.example.com 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE 127.0.0.2',
    );
    expect(hostResolverRules({ name: 'a.example', to: '::1' }, ['::1'])).toBe('MAP a.example [::1], MAP * ~NOTFOUND, EXCLUDE [::1]');
  });
});

describe('navigation errors', () => {
  it('maps Chromium certificate verdicts onto the certificate codes', () => {
    expect(netErrorOf('page.goto: net::ERR_CERT_DATE_INVALID at https://x/')).toBe('ERR_CERT_DATE_INVALID');
    expect(navigationVerdict('ERR_CERT_AUTHORITY_INVALID')).toMatchObject({ kind: 'cert', code: 'cert/untrusted' });
    expect(navigationVerdict('ERR_CERT_COMMON_NAME_INVALID')).toMatchObject({ kind: 'cert', code: 'cert/san-missing' });
    expect(navigationVerdict('ERR_CERT_DATE_INVALID')).toMatchObject({ kind: 'cert', code: 'cert/expired' });
    expect(navigationVerdict('ERR_CERT_REVOKED')).toMatchObject({ kind: 'cert', code: 'browser/cert-rejected' });
    expect(navigationVerdict('ERR_CONNECTION_REFUSED').kind).toBe('unreachable');
    expect(navigationVerdict('ERR_SSL_PROTOCOL_ERROR').kind).toBe('other');
  });
});

describe('judgePage', () => {
  it('passes only on the web app markers', () => {
    const f = judgePage(page(200, '<title>Cisco Meeting Server web app</title>'), ctx);
    expect(f).toMatchObject({ code: 'browser/page', status: 'pass' });
    expect(judgePage(page(200, '<title>Welcome to nginx</title>'), ctx)).toMatchObject({
      code: 'expressway/web-proxy-unexpected',
      status: 'warn',
    });
  });
  it('counts a title the page set from script', () => {
    expect(judgePage({ ...page(200, '<div id=app></div>'), domTitle: 'Cisco Meeting Server web app' }, ctx).status).toBe('pass');
  });
  it('"Bad Request" is the guest URI finding', () => {
    const f = judgePage(page(400, '<html><title>400 Bad Request</title><h1>Bad Request</h1>', 'Bad Request'), ctx);
    expect(f).toMatchObject({ code: 'expressway/guest-uri-internal', status: 'fail', fixes: ['guest-uri-external'] });
    expect(f.detail).toContain('HTTP 400');
  });
  it.each([
    ['ERR_CERT_AUTHORITY_INVALID', 'cert/untrusted'],
    ['ERR_CERT_COMMON_NAME_INVALID', 'cert/san-missing'],
    ['ERR_CERT_DATE_INVALID', 'cert/expired'],
    ['ERR_CERT_WEAK_KEY', 'browser/cert-rejected'],
    ['ERR_CONNECTION_REFUSED', 'expressway/web-proxy-unreachable'],
    ['ERR_EMPTY_RESPONSE', 'browser/page-load-failed'],
  ])('%s is %s, naming the pinned address', (err, code) => {
    const f = judgePage(failed(err), ctx);
    expect(f.code).toBe(code);
    expect(f.detail).toContain(`net::${err}`);
    expect(f.detail).toContain('127.0.0.1');
  });
  it('an untrusted verdict without the --ca in the browser is undecided, not blamed on the edge', () => {
    const f = judgePage(failed('ERR_CERT_AUTHORITY_INVALID'), { ...ctx, caLoaded: undefined });
    expect(f).toMatchObject({ code: 'browser/check-error', status: 'error' });
    expect(f.detail).toContain('libnss3-tools');
  });
});

const ice = (over: Partial<IceTransportResult>): IceTransportResult => ({
  transport: 'udp',
  url: 'turn:127.0.0.1:3478?transport=udp',
  relays: ['127.0.0.1:24001'],
  errors: [],
  gatheringComplete: true,
  channelOpen: true,
  sent: 10,
  rttsMs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  ...over,
});
const media: MediaContext = {
  server: '127.0.0.1:3478',
  username: 'turnuser',
  usernameFrom: '--turn-user',
  passwordFrom: 'the file pw',
  tcpExpected: false,
  tlsExpected: false,
};
const noRelay = { relays: [], channelOpen: false, sent: 0, rttsMs: [] };

describe('judgeMedia', () => {
  it('passes with RTT median and loss when pings come back through the relay', () => {
    const [f, ...rest] = judgeMedia([ice({})], media);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: 'browser/media', status: 'pass' });
    expect(f?.detail).toContain('median round trip 5.5 ms, loss 0%');
  });
  it('maps the TURN error codes Chromium reports onto the TURN findings', () => {
    expect(judgeMedia([ice({ ...noRelay, errors: [{ code: 431, text: 'x' }] })], media)[0]?.code).toBe('turn/integrity-check-failure');
    expect(judgeMedia([ice({ ...noRelay, errors: [{ code: 401, text: 'x' }] })], media)[0]?.code).toBe('turn/credentials-rejected');
  });
  it('no relay and no other evidence: says so and lists both fixes', () => {
    const [f] = judgeMedia([ice({ ...noRelay })], media);
    expect(f).toMatchObject({ code: 'turn/relay-candidate-timeout', fixes: ['turn-credentials', 'firewall-turn'] });
    expect(f?.detail).toContain('cannot tell');
  });
  it('no relay over UDP while TCP allocated with the same credentials: the port', () => {
    const out = judgeMedia([ice({ ...noRelay }), ice({ transport: 'tcp' })], media);
    expect(out.map((f) => f.code)).toEqual(['turn/unreachable']);
    expect(out[0]?.fixes).toEqual(['firewall-turn']);
  });
  it('no relay where turn.allocate got no answer either: the port', () => {
    const allocate = { server: '127.0.0.1', transports: [{ transport: 'udp' as const, port: 3478, answered: false }] };
    expect(judgeMedia([ice({ ...noRelay })], { ...media, allocate })[0]?.code).toBe('turn/unreachable');
  });
  it('a relay but no data through it is the media path', () => {
    expect(judgeMedia([ice({ channelOpen: false, sent: 0, rttsMs: [] })], media)[0]?.code).toBe('turn/media-path-blocked');
  });
  it('partial loss is a warning with the figure', () => {
    const [f] = judgeMedia([ice({ rttsMs: [1, 2, 3, 4, 5] })], media);
    expect(f).toMatchObject({ code: 'browser/relay-loss', status: 'warn' });
    expect(f?.detail).toContain('5 of 10 pings were lost (50%)');
  });
  it('TCP that nobody needs failing is a note, not a problem', () => {
    const out = judgeMedia([ice({}), ice({ transport: 'tcp', ...noRelay, errors: [{ code: 701, text: 'x' }] })], media);
    expect(out.map((f) => [f.code, f.status])).toEqual([
      ['browser/media', 'pass'],
      ['browser/media', 'info'],
    ]);
  });
});

describe('icetest figures and Chromium lookup', () => {
  it('median and loss', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([])).toBeUndefined();
    expect(lossPercent(10, 7)).toBe(30);
    expect(lossPercent(0, 0)).toBe(0);
  });
  it('names the Debian package when Chromium is missing', () => {
    const r = findChromium(undefined, ['/nonexistent/chromium']);
    expect(r.found).toBe(false);
    if (!r.found) expect(r.detail).toContain('Debian package chromium');
    expect(findChromium('/nonexistent/chrome').found).toBe(false);
  });
});
