import { webAppMarkersOf } from './web-app-markers.js';

/**
 * What the Expressway-E web proxy answered, judged from one HTTP response.
 *
 * The reference has no sample of the "Bad Request" page nor of the Expressway
 * administration login page, so the markers below are this tool's inference
 * (basis `inferred`), kept as data so they are easy to review and extend. The web app
 * is recognised only by positive markers (`web-app-markers.ts`): any other page is
 * `unexpected`, never taken for the web app (verdict rule 1).
 */
export type WebProxyVerdict = 'web-app' | 'bad-request' | 'admin-login' | 'unexpected';

export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  /** The first bytes of the body, decoded as latin1 (enough to read a title). */
  bodyHead: string;
}

export interface Classification {
  verdict: WebProxyVerdict;
  /** The markers that decided it, for the evidence. */
  reasons: string[];
  title?: string;
}

/** Signs of the Expressway administration web interface (guessed: no sample in the reference). */
const ADMIN_MARKERS: readonly { name: string; test: (a: HttpAnswer, title: string) => boolean }[] = [
  {
    name: 'title names Expressway/VCS/TANDBERG',
    test: (_a, t) => /\b(expressway|vcs|tandberg|telepresence video communication server)\b/i.test(t),
  },
  {
    name: 'a password field on a login form',
    test: (a) => /<input[^>]+type\s*=\s*["']?password/i.test(a.bodyHead) && /log\s?in|sign\s?in/i.test(a.bodyHead),
  },
  { name: 'redirect to a login page', test: (a) => a.status >= 300 && a.status < 400 && /\/login/i.test(a.headers['location'] ?? '') },
];

/** Signs of the proxy refusing the request: the document's symptom "Bad Request". */
const BAD_REQUEST_MARKERS: readonly { name: string; test: (a: HttpAnswer, title: string) => boolean }[] = [
  { name: 'HTTP status 400', test: (a) => a.status === 400 },
  { name: 'the page says "Bad Request"', test: (a, t) => /bad request/i.test(t) || /^\s*(<[^>]+>\s*)*bad request\b/i.test(a.bodyHead) },
];

export const pageTitle = (html: string): string | undefined => {
  const m = /<title[^>]*>([^<]{0,200})<\/title>/i.exec(html);
  return m?.[1]?.replace(/\s+/g, ' ').trim();
};

export function classifyAnswer(answer: HttpAnswer): Classification {
  const title = pageTitle(answer.bodyHead);
  const t = title ?? '';
  const admin = ADMIN_MARKERS.filter((m) => m.test(answer, t)).map((m) => m.name);
  const isAdminLogin = admin.length >= 2 || admin.includes('redirect to a login page');
  const bad = BAD_REQUEST_MARKERS.filter((m) => m.test(answer, t)).map((m) => m.name);
  const base = title === undefined ? {} : { title };
  if (isAdminLogin) return { verdict: 'admin-login', reasons: admin, ...base };
  if (bad.length > 0) return { verdict: 'bad-request', reasons: bad, ...base };
  const app = answer.status >= 200 && answer.status < 300 ? webAppMarkersOf(title) : [];
  if (app.length > 0) {
    return {
      verdict: 'web-app',
      reasons: app.map((m) => `${m.product}: title "${title ?? ''}" (${m.observed ? 'seen on real pages' : 'product name only'})`),
      ...base,
    };
  }
  const why =
    answer.status >= 200 && answer.status < 300
      ? `HTTP ${answer.status} with ${title === undefined ? 'no page title' : `title "${title}"`}: none of the web app markers`
      : `HTTP ${answer.status} ${answer.statusText}`.trim();
  return { verdict: 'unexpected', reasons: [why], ...base };
}

/**
 * Parses the head of a raw HTTP/1.x response. Returns undefined until the header
 * block is complete; throws on a status line that is not HTTP.
 */
export function parseHttpHead(raw: string): { answer: HttpAnswer; headerBytes: number } | undefined {
  const end = raw.indexOf('\r\n\r\n');
  const endLf = raw.indexOf('\n\n');
  const cut = end >= 0 ? end + 4 : endLf >= 0 ? endLf + 2 : -1;
  if (cut < 0) return undefined;
  const lines = raw.slice(0, cut).split(/\r?\n/);
  const status = /^HTTP\/\d(?:\.\d)?\s+(\d{3})(?:\s+(.*))?$/.exec(lines[0] ?? '');
  if (!status) throw new Error(`not an HTTP response: ${JSON.stringify((lines[0] ?? '').slice(0, 60))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return {
    answer: { status: Number(status[1]), statusText: (status[2] ?? '').trim(), headers, bodyHead: raw.slice(cut) },
    headerBytes: cut,
  };
}
