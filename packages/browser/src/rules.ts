import type { CheckContext, DnsWebbridgeData } from '@cms-doctor/core';
import { DNS_WEBBRIDGE } from '@cms-doctor/core';
import { edgeOf } from '@cms-doctor/expressway';
import { planTurn } from '@cms-doctor/turn';
import { hostResolverRules } from './host-rules.js';

/**
 * The host rules of this run's browser, the same for both checks so they share one Chromium:
 * the external name to the edge, the edge and TURN addresses left as they are, nothing else.
 */
export function runHostRules(ctx: Pick<CheckContext, 'target' | 'get'>): string {
  const edge = edgeOf(ctx.target.edge, ctx.get<DnsWebbridgeData>(DNS_WEBBRIDGE));
  const turn = planTurn(ctx);
  const external = ctx.target.external;
  return hostResolverRules(external && edge ? { name: external, to: edge.host } : undefined, [
    ...(edge ? [edge.host] : []),
    ...(turn ? [turn.host] : []),
  ]);
}
