import {
  CMS_TURN_SERVERS,
  DNS_WEBBRIDGE,
  TURN_ALLOCATE,
  codeOf,
  defineCheck,
  remainingMs,
  type CheckContext,
  type TurnReachabilityData,
} from '@cms-doctor/core';
import type { Browser } from 'playwright-core';
import { planTurn, type TurnPlan } from '@cms-doctor/turn';
import { findChromium } from './chromium.js';
import { bracketed } from './host-rules.js';
import { runHostRules } from './rules.js';
import { withBrowser } from './session.js';
import { ICE_PAGE_BODY, type IceArgs, type IceTransportResult } from './ice-page.js';
import { MEDIA_CHECK, judgeMedia } from './media-verdict.js';

/** STUNner's icetest sends a handful of pings; ten give a median and a loss figure in well under a second. */
const PINGS = 10;

export function turnUrls(plan: TurnPlan): IceArgs['transports'] {
  const host = bracketed(plan.host);
  const out: IceArgs['transports'] = [];
  if (plan.transports.includes('udp')) out.push({ transport: 'udp', url: `turn:${host}:${plan.ports.udp}?transport=udp` });
  if (plan.transports.includes('tcp')) out.push({ transport: 'tcp', url: `turn:${host}:${plan.ports.tcp}?transport=tcp` });
  // TURN over TLS only where it is expected: otherwise Chromium would only show a port nobody uses.
  if (plan.transports.includes('tls') && plan.tlsExpected)
    out.push({ transport: 'tls', url: `turns:${host}:${plan.ports.tls}?transport=tcp` });
  return out;
}

async function runIce(ctx: CheckContext, browser: Browser, args: IceArgs): Promise<IceTransportResult[]> {
  const context = await browser.newContext();
  const abort = (): void => void context.close().catch(() => undefined);
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    const page = await context.newPage();
    // The function's text holds no secret; the credentials travel as its argument over the DevTools pipe.
    const fn = new Function('args', ICE_PAGE_BODY) as (a: IceArgs) => Promise<IceTransportResult[]>;
    return await page.evaluate(fn, args);
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    await context.close().catch(() => undefined);
  }
}

export const mediaCheck = defineCheck({
  id: MEDIA_CHECK,
  title: 'WebRTC media through the TURN relay in a real browser',
  area: 'browser',
  modes: ['live'],
  needs: ['turnPassword'],
  after: [DNS_WEBBRIDGE, CMS_TURN_SERVERS, TURN_ALLOCATE],
  timeoutMs: 25_000,
  async run(ctx) {
    const plan = planTurn(ctx);
    const skip = (title: string, detail: string, needs: string[]) => [
      { code: codeOf(MEDIA_CHECK), status: 'skip' as const, title, detail, needs },
    ];
    if (!plan)
      return skip(
        'Browser media check skipped: no TURN address',
        'Give --turn or --edge, or let dns.webbridge resolve the external name.',
        ['turn'],
      );
    const password = ctx.target.turnPassword;
    if (plan.username === undefined || password === undefined)
      return skip(
        'Browser media check skipped: no TURN credentials',
        'Give --turn-user (or --cms-api so CMS names the user) and --turn-password-file or CMS_DOCTOR_TURN_PASSWORD.',
        plan.missing,
      );
    const chromium = findChromium(ctx.target.chromium);
    if (!chromium.found) return skip('Browser media check skipped: Chromium not found', chromium.detail, ['chromium']);
    const transports = turnUrls(plan);
    const budget = Math.max(2000, remainingMs(ctx.deadline) - 2500);
    const args: IceArgs = {
      transports,
      username: plan.username,
      credential: password.reveal(),
      // A TURN server answers an Allocate within a round trip or two; 8 s covers Chromium's retransmissions to a slow one.
      gatherMs: Math.min(8_000, Math.floor(budget * 0.6)),
      connectMs: Math.min(5_000, Math.floor(budget * 0.25)),
      pings: PINGS,
      pingTimeoutMs: 1000,
    };
    const session = {
      executable: chromium.path,
      hostRules: runHostRules(ctx),
      caFiles: ctx.target.ca ?? [],
      timeoutMs: Math.min(10_000, Math.max(1000, remainingMs(ctx.deadline) - 500)),
      signal: ctx.signal,
    };
    const results = await withBrowser(session, (browser) => runIce(ctx, browser, args));
    const allocate = ctx.get<TurnReachabilityData>(TURN_ALLOCATE);
    return judgeMedia(results, {
      server: `${bracketed(plan.host)}:${plan.ports.udp}`,
      username: plan.username,
      usernameFrom: plan.usernameFrom === 'cms.turn-servers' ? 'the CMS API /api/v1/turnServers entry' : '--turn-user',
      passwordFrom: password.from ?? 'the password given to cms-doctor',
      tcpExpected: plan.tcpExpected,
      tlsExpected: plan.tlsExpected,
      ...(allocate ? { allocate } : {}),
    });
  },
});
