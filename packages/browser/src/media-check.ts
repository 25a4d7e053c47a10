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
import { planTurn, splitHostPort, type TurnPlan } from '@cms-doctor/turn';
import { browserHome, findChromium, launchChromium } from './chromium.js';
import { bracketed, hostResolverRules } from './host-rules.js';
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
  if (plan.transports.includes('tls') && plan.tlsExpected) out.push({ transport: 'tls', url: `turns:${host}:${plan.ports.tls}?transport=tcp` });
  return out;
}

async function runIce(ctx: CheckContext, executable: string, hostRules: string, home: string, args: IceArgs): Promise<IceTransportResult[]> {
  const browser = await launchChromium({ executable, hostRules, home, timeoutMs: Math.min(10_000, Math.max(1000, remainingMs(ctx.deadline) - 500)) });
  const abort = (): void => void browser.close().catch(() => undefined);
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    const page = await browser.newPage();
    // The function's text holds no secret; the credentials travel as its argument over the DevTools pipe.
    const fn = new Function('args', ICE_PAGE_BODY) as (a: IceArgs) => Promise<IceTransportResult[]>;
    return await page.evaluate(fn, args);
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    await browser.close().catch(() => undefined);
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
    const skip = (title: string, detail: string, needs: string[]) => [{ code: codeOf(MEDIA_CHECK), status: 'skip' as const, title, detail, needs }];
    if (!plan) return skip('Browser media check skipped: no TURN address', 'Give --turn or --edge, or let dns.webbridge resolve the external name.', ['turn']);
    const password = ctx.target.turnPassword;
    if (plan.username === undefined || password === undefined)
      return skip('Browser media check skipped: no TURN credentials', 'Give --turn-user (or --cms-api so CMS names the user) and --turn-password-file or CMS_DOCTOR_TURN_PASSWORD.', plan.missing);
    const chromium = findChromium(ctx.target.chromium);
    if (!chromium.found) return skip('Browser media check skipped: Chromium not found', chromium.detail, ['chromium']);
    const transports = turnUrls(plan);
    const budget = Math.max(2000, remainingMs(ctx.deadline) - 2500);
    const args: IceArgs = {
      transports,
      username: plan.username,
      credential: password.reveal(),
      gatherMs: Math.min(10_000, Math.floor(budget * 0.6)),
      connectMs: Math.min(5_000, Math.floor(budget * 0.25)),
      pings: PINGS,
      pingTimeoutMs: 1000,
    };
    const home = await browserHome([...(ctx.target.ca ?? [])], ctx.signal);
    try {
      const external = ctx.target.external;
      const edge = ctx.target.edge;
      const rules = hostResolverRules(external && edge ? { name: external, to: splitHostPort(edge, 443).host } : undefined, [plan.host]);
      const results = await runIce(ctx, chromium.path, rules, home.home, args);
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
    } finally {
      await home.dispose();
    }
  },
});
