import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classifyAnswer, parseHttpHead, type HttpAnswer } from './classify.js';

const answer = (status: number, body: string, headers: Record<string, string> = {}): HttpAnswer => ({
  status,
  statusText: '',
  headers,
  bodyHead: body,
});

describe('classifyAnswer', () => {
  it('a 200 HTML page without error markers is the web app', () => {
    expect(classifyAnswer(answer(200, '<html><head><title>Cisco Meeting App</title></head><body>Join call</body></html>')).verdict).toBe(
      'web-app',
    );
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
      'web-app',
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
