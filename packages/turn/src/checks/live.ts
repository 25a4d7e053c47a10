import { readFile } from 'node:fs/promises';
import {
  CMS_TURN_SERVERS,
  DNS_WEBBRIDGE,
  TURN_ALLOCATE,
  codeOf,
  defineCheck,
  type CheckContext,
  type FindingDraft,
  type TurnReachabilityData,
} from '@cms-doctor/core';
import type { TlsOptions, TurnTransport } from '../client/connection.js';
import { probeAllocate, type AllocateProbeResult } from '../probe/allocate.js';
import { allocateFindings, mediaPathFindings, reachabilityData, type CredentialSource } from '../probe/verdict.js';
import { planTurn, type TurnPlan } from './server.js';

/** What `turn.allocate` publishes: the contract's reachability data plus which transports allocated. */
export interface TurnAllocateData extends TurnReachabilityData {
  allocated: TurnTransport[];
}

const TARGET_INPUTS = [['turn'], ['edge'], ['external']] as const;

/** Leaves a margin so the probe reports before the runner's own deadline fires. */
const probeDeadline = (ctx: CheckContext): number => ctx.deadline - 300;

async function tlsOptions(ctx: CheckContext, plan: TurnPlan): Promise<TlsOptions> {
  const ca = ctx.target.ca ? await Promise.all(ctx.target.ca.map((f) => readFile(f))) : undefined;
  const isName = !/^[\d.]+$|:/.test(plan.host);
  return {
    rejectUnauthorized: ctx.target.insecure !== true,
    ...(ca ? { ca } : {}),
    ...(isName ? { servername: plan.host } : ctx.target.external ? { servername: ctx.target.external } : {}),
  };
}

async function probe(ctx: CheckContext, plan: TurnPlan, transport: TurnTransport, mediaPath: boolean): Promise<AllocateProbeResult> {
  return probeAllocate({
    host: plan.host,
    port: plan.ports[transport],
    transport,
    ...(plan.username !== undefined ? { username: plan.username } : {}),
    ...(ctx.target.turnPassword !== undefined ? { password: ctx.target.turnPassword } : {}),
    signal: ctx.signal,
    deadline: probeDeadline(ctx),
    answerTimeoutMs: Math.min(4000, Math.max(500, (ctx.deadline - Date.now()) / 3)),
    ...(transport === 'tls' ? { tls: await tlsOptions(ctx, plan) } : {}),
    mediaPath,
  });
}

/**
 * Whose credentials were tried and where each came from (never the password): a rejection
 * proves only that this pair is wrong somewhere, which the finding must say.
 */
function credentialSource(ctx: CheckContext, plan: TurnPlan): CredentialSource | undefined {
  if (plan.username === undefined || ctx.target.turnPassword === undefined) return undefined;
  return {
    username: plan.username,
    usernameFrom: plan.usernameFrom === 'cms.turn-servers' ? 'the CMS API /api/v1/turnServers entry' : '--turn-user (--user of probe turn)',
    passwordFrom: ctx.target.turnPassword.from ?? 'the password given to cms-doctor',
  };
}

const noServer = (id: string, title: string): FindingDraft => ({
  code: codeOf(id),
  status: 'skip',
  title: `${title}: skipped`,
  detail: 'No TURN address: give --turn or --edge, or let dns.webbridge resolve the external name.',
  needs: ['turn'],
});

export const allocateCheck = defineCheck<TurnAllocateData>({
  id: 'turn.allocate',
  title: 'TURN Allocate with the configured credentials',
  area: 'turn',
  modes: ['live'],
  needs: [],
  needsAny: TARGET_INPUTS,
  after: [DNS_WEBBRIDGE, CMS_TURN_SERVERS],
  timeoutMs: 15_000,
  async run(ctx) {
    const plan = planTurn(ctx);
    if (!plan) return [noServer('turn.allocate', this.title)];
    // Transports in parallel: a silent UDP port must not eat the TCP and TLS budgets.
    const results = await Promise.all(plan.transports.map((t) => probe(ctx, plan, t, false)));
    const credentials = credentialSource(ctx, plan);
    const findings = results.flatMap((r) =>
      allocateFindings(r, {
        ...(ctx.target.edgeNatAddress ? { natAddress: ctx.target.edgeNatAddress } : {}),
        ...(ctx.target.mediaPortRange ? { portRange: ctx.target.mediaPortRange } : {}),
        tcpExpected: plan.tcpExpected,
        tlsExpected: plan.tlsExpected,
        missing: plan.missing,
        ...(credentials ? { credentials } : {}),
      }),
    );
    return {
      findings,
      data: { ...reachabilityData(results), allocated: results.filter((r) => r.relayed).map((r) => r.transport) },
    };
  },
});

export const mediaPathCheck = defineCheck({
  id: 'turn.media-path',
  title: 'Media sent to the TURN relay comes back (inbound UDP to the media ports)',
  area: 'turn',
  modes: ['live'],
  needs: ['turnPassword'],
  needsAny: TARGET_INPUTS,
  after: [TURN_ALLOCATE, DNS_WEBBRIDGE, CMS_TURN_SERVERS],
  timeoutMs: 15_000,
  async run(ctx) {
    const plan = planTurn(ctx);
    if (!plan) return [noServer('turn.media-path', this.title)];
    if (plan.missing.length > 0) {
      return [
        {
          code: 'turn/media-path',
          status: 'skip',
          title: `${this.title}: skipped`,
          detail: `needs ${plan.missing.join(', ')}`,
          needs: plan.missing,
        },
      ];
    }
    const allocated = ctx.get<TurnAllocateData>(TURN_ALLOCATE);
    if (allocated && allocated.allocated.length === 0) {
      return [
        {
          code: 'turn/media-path',
          status: 'skip',
          title: `${this.title}: skipped`,
          detail: 'turn.allocate got no allocation on any transport; its findings say why.',
          needs: [],
        },
      ];
    }
    const order: TurnTransport[] = ['udp', 'tcp', 'tls'];
    const transport = order.find((t) => (allocated ? allocated.allocated.includes(t) : plan.transports.includes(t))) ?? 'udp';
    const r = await probe(ctx, plan, transport, true);
    return mediaPathFindings(r);
  },
});
