import {
  CORE_CODES,
  DNS_WEBBRIDGE,
  codeOf,
  defineCheck,
  emitterFor,
  remainingMs,
  type CheckContext,
  type DnsWebbridgeData,
  type Evidence,
  type FindingDraft,
} from '@cms-doctor/core';
import { EXPRESSWAY_CODES, classifyAnswer, edgeOf } from '@cms-doctor/expressway';
import { BROWSER_CODES } from './codes.js';
import { findChromium } from './chromium.js';
import { bracketed } from './host-rules.js';
import { runHostRules } from './rules.js';
import { withBrowser } from './session.js';
import type { Browser } from 'playwright-core';
import { navigationVerdict, netErrorOf } from './net-error.js';

export const PAGE_CHECK = 'browser.page';

const emit = emitterFor(CORE_CODES, BROWSER_CODES, EXPRESSWAY_CODES);

/** What Chromium saw when it opened the external URL. */
export type PageVisit =
  | {
      ok: true;
      url: string;
      status: number;
      statusText: string;
      headers: Record<string, string>;
      /** The first 64 KiB of the final document's body. */
      body: string;
      /** The document title after the page ran (a web app may set it from script). */
      domTitle: string;
      serverAddress?: string;
      tls?: { protocol?: string; subjectName?: string; issuer?: string; validFrom?: number; validTo?: number };
      /** Responses that redirected before the final one: status and location. */
      redirects: { url: string; status: number; location?: string }[];
    }
  | { ok: false; url: string; error: string; netError?: string };

export interface PageContext {
  external: string;
  edge: { host: string; port: number; from: string };
  /** CA certificates given to Chromium from --ca; undefined when they could not be (no certutil). */
  caLoaded: number | undefined;
  caGiven: number;
  chromium: string;
}

export const externalUrl = (external: string, port: number): string => `https://${external}${port === 443 ? '' : `:${port}`}/`;

const firstBytes = (body: string, n = 80): string => {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > n ? `${flat.slice(0, n)}…` : flat;
};

function evidenceOf(v: PageVisit, c: PageContext): Evidence[] {
  const base: Evidence = {
    kind: 'browser-navigation',
    url: v.url,
    resolvedTo: `${bracketed(c.edge.host)} (${c.edge.from}, pinned with --host-resolver-rules)`,
    chromium: c.chromium,
    trustedExtraCas: c.caLoaded ?? 'none: certutil (libnss3-tools) missing',
  };
  if (!v.ok) return [{ ...base, error: v.error.split('\n')[0] ?? v.error, ...(v.netError ? { netError: v.netError } : {}) }];
  return [
    {
      ...base,
      status: v.status,
      statusText: v.statusText,
      ...(v.serverAddress ? { serverAddress: v.serverAddress } : {}),
      title: v.domTitle,
      bodyStart: v.body.slice(0, 200),
      ...(v.redirects.length ? { redirects: v.redirects } : {}),
      ...(v.tls ? { tls: v.tls } : {}),
    },
  ];
}

/** Turns one Chromium visit into the finding other checks would give the same symptom. */
export function judgePage(v: PageVisit, c: PageContext): FindingDraft {
  const subject = `${v.url} at ${bracketed(c.edge.host)}:${c.edge.port}`;
  const evidence = evidenceOf(v, c);
  if (!v.ok) {
    if (!v.netError)
      return emit('browser/check-error', {
        subject,
        detail: `Chromium did not finish opening ${v.url}: ${v.error.split('\n')[0]}`,
        evidence,
      });
    const verdict = navigationVerdict(v.netError);
    const said = `Chromium, opening ${v.url} with the name pinned to ${bracketed(c.edge.host)} (${c.edge.from}), stopped with net::${v.netError}`;
    if (verdict.kind === 'cert') {
      if (verdict.code === 'cert/untrusted' && c.caGiven > 0 && c.caLoaded === undefined)
        return emit('browser/check-error', {
          subject,
          detail: `${said}, but the --ca certificates could not be given to Chromium (certutil, Debian package libnss3-tools, is missing): the browser could not judge trust as cms-doctor's TLS checks do. Install libnss3-tools and run again.`,
          evidence,
        });
      const trust = c.caLoaded ? ` Chromium trusted its own roots plus the ${c.caLoaded} certificate(s) of --ca.` : '';
      return emit(verdict.code, { subject, detail: `${said}: ${verdict.meaning}.${trust}`, evidence });
    }
    if (verdict.kind === 'unreachable')
      return emit('expressway/web-proxy-unreachable', { subject, detail: `${said}: ${verdict.meaning}.`, evidence });
    return emit('browser/page-load-failed', { subject, detail: `${said}.`, evidence });
  }
  // A web app may set its title from script: the DOM's title counts as the page's title.
  const hasTitle = /<title[^>]*>/i.test(v.body);
  const bodyHead = hasTitle || !v.domTitle ? v.body : `<title>${v.domTitle}</title>${v.body}`;
  const cls = classifyAnswer({ status: v.status, statusText: v.statusText, headers: v.headers, bodyHead });
  const titled = cls.title === undefined ? 'no page title' : `title "${cls.title}"`;
  const answered = `Chromium opened ${v.url} (pinned to ${bracketed(c.edge.host)}, ${c.edge.from}; certificate accepted) and got HTTP ${v.status}${v.statusText ? ` ${v.statusText}` : ''}, ${titled}`;
  switch (cls.verdict) {
    case 'web-app':
      return {
        code: codeOf(PAGE_CHECK),
        status: 'pass',
        title: `A browser opens the web app at ${v.url}`,
        detail: `${answered}: the web app markers ${cls.reasons.join('; ')}.`,
        subject,
        evidence,
        basis: 'inferred',
      };
    case 'bad-request':
      return emit('expressway/guest-uri-internal', {
        subject,
        detail: `${answered}: "Bad Request" (${cls.reasons.join(', ')}). The document: the internal name as Expressway-C Guest account client URI makes browsers show "Bad Request".`,
        evidence,
      });
    case 'admin-login':
      return emit('expressway/admin-port-443', {
        subject,
        detail: `${answered}: what looks like the Expressway administration login (${cls.reasons.join(', ')}), not the web app.`,
        evidence,
      });
    default:
      return emit('expressway/web-proxy-unexpected', {
        subject,
        detail: `${answered}: not a page recognised as the CMS web app (no web app marker). First bytes: "${firstBytes(v.body)}".`,
        evidence,
      });
  }
}

/** Opens the URL in a fresh page of the run's browser; every failure comes back as data. */
async function visit(ctx: CheckContext, c: PageContext, browser: Browser): Promise<PageVisit> {
  const url = externalUrl(c.external, c.edge.port);
  const context = await browser.newContext();
  const abort = (): void => void context.close().catch(() => undefined);
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    const page = await context.newPage();
    let response;
    try {
      response = await page.goto(url, { timeout: Math.max(500, remainingMs(ctx.deadline) - 700), waitUntil: 'load' });
    } catch (e) {
      const error = (e as Error).message;
      const netError = netErrorOf(error);
      return { ok: false, url, error, ...(netError ? { netError } : {}) };
    }
    if (!response) return { ok: false, url, error: 'Chromium gave no response for the navigation' };
    const redirects: { url: string; status: number; location?: string }[] = [];
    for (let r = response.request().redirectedFrom(); r; r = r.redirectedFrom()) {
      const res = await r.response();
      const location = res?.headers()['location'];
      if (res) redirects.unshift({ url: r.url(), status: res.status(), ...(location ? { location } : {}) });
    }
    const body = (await response.body().catch(() => Buffer.alloc(0))).subarray(0, 65_536).toString('latin1');
    const sec = await response.securityDetails().catch(() => null);
    const addr = await response.serverAddr().catch(() => null);
    return {
      ok: true,
      url,
      status: response.status(),
      statusText: response.statusText(),
      headers: response.headers(),
      body,
      domTitle: await page.title().catch(() => ''),
      ...(addr ? { serverAddress: `${bracketed(addr.ipAddress)}:${addr.port}` } : {}),
      ...(sec ? { tls: { ...sec } } : {}),
      redirects,
    };
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    await context.close().catch(() => undefined);
  }
}

export const pageCheck = defineCheck({
  id: PAGE_CHECK,
  title: 'A browser opens the external web bridge URL as a guest would',
  area: 'browser',
  modes: ['live'],
  needs: ['external'],
  after: [DNS_WEBBRIDGE],
  timeoutMs: 20_000,
  async run(ctx) {
    const external = ctx.target.external ?? '';
    const edge = edgeOf(ctx.target.edge, ctx.get<DnsWebbridgeData>(DNS_WEBBRIDGE));
    if (!edge)
      return [
        {
          code: codeOf(PAGE_CHECK),
          status: 'skip',
          title: 'Browser page check skipped: no edge address',
          detail: 'Give --edge, or --external-dns so the external view names the edge the browser is pinned to.',
          needs: ['edge'],
        },
      ];
    const chromium = findChromium(ctx.target.chromium);
    if (!chromium.found)
      return [
        {
          code: codeOf(PAGE_CHECK),
          status: 'skip',
          title: 'Browser page check skipped: Chromium not found',
          detail: chromium.detail,
          needs: ['chromium'],
        },
      ];
    const ca = ctx.target.ca ?? [];
    const session = {
      executable: chromium.path,
      hostRules: runHostRules(ctx),
      caFiles: ca,
      timeoutMs: Math.min(10_000, Math.max(1000, remainingMs(ctx.deadline) - 700)),
      signal: ctx.signal,
    };
    return withBrowser(session, async (browser, caLoaded) => {
      const c: PageContext = { external, edge, caLoaded, caGiven: ca.length, chromium: chromium.path };
      return [judgePage(await visit(ctx, c, browser), c)];
    });
  },
});
