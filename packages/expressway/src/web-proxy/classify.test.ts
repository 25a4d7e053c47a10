import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classifyAnswer, parseHttpHead, type HttpAnswer } from './classify.js';
import { WEB_APP_MARKERS } from './web-app-markers.js';
import { WEB_APP_2X_PAGE, WEB_APP_PAGE } from '../../../lab/src/web-proxy/pages.js';

const answer = (status: number, body: string, headers: Record<string, string> = {}): HttpAnswer => ({
  status,
  statusText: '',
  headers,
  bodyHead: body,
});

describe('classifyAnswer', () => {
  it('the web app only on its markers: the 3.x web app title, or the 2.x product name', () => {
    const v3 = classifyAnswer(answer(200, '<html><head><title>Cisco Meeting Server web app</title></head></html>'));
    expect(v3.verdict).toBe('web-app');
    expect(v3.reasons[0]).toMatch(/CMS 3.x web app.*seen on real pages/);
    const v2 = classifyAnswer(answer(200, '<html><head><title>Cisco Meeting App</title></head><body>Join call</body></html>'));
    expect(v2.verdict).toBe('web-app');
    expect(v2.reasons[0]).toMatch(/CMS 2.x.*product name only/);
  });
  it('any other 200 page is unexpected, never the web app (issue 10: no evidence, no pass)', () => {
    const sServer = '<HTML><BODY BGCOLOR="#ffffff">\n<pre>\n\ns_server -www\nSecure Renegotiation IS supported\n';
    const c = classifyAnswer(answer(200, sServer));
    expect(c.verdict).toBe('unexpected');
    expect(c.reasons[0]).toMatch(/no page title: none of the web app markers/);
    expect(classifyAnswer(answer(200, '<title>Welcome to nginx!</title>')).verdict).toBe('unexpected');
    // A marker title on an error status is not the web app either.
    expect(classifyAnswer(answer(503, '<title>Cisco Meeting Server web app</title>')).verdict).toBe('unexpected');
  });
  it('every marker names its source; the lab pages carry them', () => {
    for (const m of WEB_APP_MARKERS) expect(m.source.length).toBeGreaterThan(40);
    expect(classifyAnswer(answer(200, WEB_APP_PAGE)).verdict).toBe('web-app');
    expect(classifyAnswer(answer(200, WEB_APP_2X_PAGE)).verdict).toBe('web-app');
  });
  it('status 400 or a page saying Bad Request is bad-request', () => {
    expect(classifyAnswer(answer(400, '')).verdict).toBe('bad-request');
    expect(classifyAnswer(answer(200, '<html><head><title>Bad Request</title></head></html>')).verdict).toBe('bad-request');
    expect(classifyAnswer(answer(200, '<h1>Bad Request</h1>')).verdict).toBe('bad-request');
  });
  it('an Expressway login page or a redirect to /login is admin-login', () => {
    const page =
      '<html><head><title>Cisco Expressway-E</title></head><form action="/login"><input type="password" name="p">Log in</form></html>';
    expect(classifyAnswer(answer(200, page)).verdict).toBe('admin-login');
    expect(classifyAnswer(answer(302, '', { location: 'https://vcse/login' })).verdict).toBe('admin-login');
  });
  it('a login form alone (one marker) is not taken for the Expressway', () => {
    expect(classifyAnswer(answer(200, '<html><title>Meeting</title><form><input type="password">Sign in</form></html>')).verdict).toBe(
      'unexpected',
    );
  });
  it('5xx is unexpected', () => {
    expect(classifyAnswer(answer(502, 'Bad Gateway')).verdict).toBe('unexpected');
  });
  it('fuzz: any status and body give one of the four verdicts (2000 runs)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        fc.string({ maxLength: 400 }),
        fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 })),
        (status, body, headers) => {
          expect(['web-app', 'bad-request', 'admin-login', 'unexpected']).toContain(classifyAnswer(answer(status, body, headers)).verdict);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('parseHttpHead', () => {
  it('waits for the whole header block, then splits headers and body', () => {
    expect(parseHttpHead('HTTP/1.1 200 OK\r\nContent-Type: text/html')).toBeUndefined();
    const r = parseHttpHead('HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nX-A: 1\r\nx-a: 2\r\n\r\n<h1>Bad Request</h1>');
    expect(r?.answer.status).toBe(400);
    expect(r?.answer.statusText).toBe('Bad Request');
    expect(r?.answer.headers['x-a']).toBe('1, 2');
    expect(r?.answer.bodyHead).toBe('<h1>Bad Request</h1>');
  });
  it('refuses a reply that is not HTTP', () => {
    expect(() => parseHttpHead('SSH-2.0-OpenSSH\r\n\r\n')).toThrow(/not an HTTP response/);
  });
  it('fuzz: arbitrary bytes either parse, wait, or throw an Error (3000 runs)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ maxLength: 200 }).map((s) => `HTTP/1.1 ${s}\r\n\r\n`),
        ),
        (raw) => {
          try {
            const r = parseHttpHead(raw);
            if (r) expect(r.answer.status).toBeGreaterThanOrEqual(0);
          } catch (e) {
            expect(e).toBeInstanceOf(Error);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
