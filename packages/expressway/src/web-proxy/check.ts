import { readFile } from 'node:fs/promises';
import {
  codeOf,
  CORE_CODES,
  defineCheck,
  DNS_WEBBRIDGE,
  emitterFor,
  remainingMs,
  type DnsWebbridgeData,
  type Evidence,
  type FindingDraft,
} from '@cms-doctor/core';
import { EXPRESSWAY_CODES } from '../catalogue.js';
import { classifyAnswer } from './classify.js';
import { parseHostPort } from './address.js';
import { probeWebProxy, type WebProxyProbeResult } from './probe.js';

export const WEB_PROXY_CHECK = 'expressway.web-proxy';

/** Where guests reach the edge: `--edge`, else the first external DNS answer on 443. */
export function edgeOf(
  edge: string | undefined,
  dns: DnsWebbridgeData | undefined,
): { host: string; port: number; from: string } | undefined {
  if (edge) return { ...parseHostPort(edge, 443), from: '--edge' };
  const first = dns?.externalAddresses[0];
  return first ? { host: first, port: 443, from: 'external DNS answer' } : undefined;
}

const VERIFY_NOTE =
  'verification recorded, not enforced: this connection only classifies what the proxy serves; the cert checks judge the certificate';

function evidenceOf(r: WebProxyProbeResult, host: string, port: number, servername: string): Evidence[] {
  const ev: Evidence[] = [{ kind: 'tcp-connect', address: host, port, result: r.ok || r.phase !== 'connect' ? 'connected' : r.error }];
  if (r.tls) ev.push({ kind: 'tls-session', servername, ...r.tls, note: VERIFY_NOTE });
  if (r.ok) {
    const h = r.answer.headers;
    const c = classifyAnswer(r.answer);
    ev.push({
      kind: 'http-answer',
      request: `GET / (Host: ${servername})`,
      status: r.answer.status,
      statusText: r.answer.statusText,
      ...(h['server'] ? { server: h['server'] } : {}),
      ...(h['location'] ? { location: h['location'] } : {}),
      ...(h['content-type'] ? { contentType: h['content-type'] } : {}),
      ...(c.title !== undefined ? { title: c.title } : {}),
      bodyStart: r.answer.bodyHead.slice(0, 200),
      bodyComplete: r.bodyComplete,
      verdict: c.verdict,
      markers: c.reasons,
    });
  }
  return ev;
}

const emit = emitterFor(CORE_CODES, EXPRESSWAY_CODES);

/** The first bytes of a body on one line, for a detail sentence (the evidence keeps 200 raw). */
const firstBytes = (body: string, n = 80): string => {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > n ? `${flat.slice(0, n)}…` : flat;
};

/** Turns one probe result into the finding the contract names. */
export function judgeWebProxy(r: WebProxyProbeResult, host: string, port: number, servername: string, runAborted: boolean): FindingDraft {
  const subject = `${servername} at ${host}:${port}/tls`;
  const evidence = evidenceOf(r, host, port, servername);
  if (!r.ok) {
    if (r.phase === 'connect' && !runAborted) {
      return emit('expressway/web-proxy-unreachable', {
        subject,
        detail: r.timedOut
          ? `TCP connect to ${host}:${port} for ${servername} got no answer (${r.error}): a firewall may drop TCP ${port}.`
          : `TCP connect to ${host}:${port} for ${servername} failed: ${r.error}.`,
        evidence,
      });
    }
    const phase = r.phase === 'handshake' ? 'TLS handshake' : r.phase === 'response' ? 'HTTP answer' : 'connection';
    return emit('expressway/check-error', {
      subject,
      detail: `The web proxy at ${host}:${port} did not complete the ${phase} for ${servername}: ${r.error}${r.timedOut ? ' (a server that accepts TCP and then stalls)' : ''}.`,
      evidence: [...evidence, { kind: 'probe-error', phase: r.phase, error: r.error, timedOut: r.timedOut }],
    });
  }
  const c = classifyAnswer(r.answer);
  const titled = c.title === undefined ? 'no page title' : `title "${c.title}"`;
  switch (c.verdict) {
    case 'web-app':
      return {
        code: codeOf(WEB_PROXY_CHECK),
        status: 'pass',
        title: `The edge serves the web bridge page for ${servername}`,
        detail: `The edge at ${host}:${port} answers GET / with HTTP ${r.answer.status} and the web app markers: ${c.reasons.join('; ')}.`,
        subject,
        evidence,
        basis: 'inferred',
      };
    case 'bad-request':
      return emit('expressway/guest-uri-internal', {
        subject,
        detail: `The edge at ${host}:${port} answers GET / for ${servername} with "Bad Request" (HTTP ${r.answer.status}, ${titled}; markers: ${c.reasons.join(', ')}). The document: the internal name as Expressway-C Guest account client URI can make browsers show "Bad Request".`,
        evidence,
      });
    case 'admin-login':
      return emit('expressway/admin-port-443', {
        subject,
        detail: `The edge at ${host}:${port} answers GET / for ${servername} with what looks like the Expressway administration login (HTTP ${r.answer.status}, ${titled}; markers: ${c.reasons.join(', ')}), not the web bridge page. The document moves the administration port off 443 (to 445) so guests reach the web proxy.`,
        evidence,
      });
    default:
      return emit('expressway/web-proxy-unexpected', {
        subject,
        detail: `The edge at ${host}:${port} answers GET / for ${servername} with HTTP ${r.answer.status}${r.answer.statusText ? ` ${r.answer.statusText}` : ''}, ${titled}: not a page recognised as the CMS web app or web bridge (it carries no web app marker). First bytes: "${firstBytes(r.answer.bodyHead)}".`,
        evidence,
      });
  }
}

export const webProxyCheck = defineCheck({
  id: WEB_PROXY_CHECK,
  title: 'Expressway-E web proxy serves the web bridge',
  area: 'expressway',
  modes: ['live'],
  needs: ['external'],
  after: [DNS_WEBBRIDGE],
  timeoutMs: 12_000,
  async run(ctx) {
    const external = ctx.target.external ?? '';
    const edge = edgeOf(ctx.target.edge, ctx.get<DnsWebbridgeData>(DNS_WEBBRIDGE));
    if (!edge) {
      return [
        {
          code: codeOf(WEB_PROXY_CHECK),
          status: 'skip',
          title: 'Web proxy check skipped: no edge address',
          detail: 'give --edge, or --external-dns so the external view names the edge',
          needs: ['edge'],
        },
      ];
    }
    const ca = await Promise.all((ctx.target.ca ?? []).map((p) => readFile(p, 'utf8')));
    // Leave a margin so the check reports itself instead of the runner's generic timeout.
    const budget = Math.max(500, remainingMs(ctx.deadline) - 500);
    const result = await probeWebProxy({
      host: edge.host,
      port: edge.port,
      servername: external,
      ca,
      signal: ctx.signal,
      connectTimeoutMs: Math.min(3000, budget / 3),
      handshakeTimeoutMs: Math.min(4000, budget / 3),
      responseTimeoutMs: Math.min(4000, budget / 3),
    });
    const finding = judgeWebProxy(result, edge.host, edge.port, external, ctx.signal.aborted);
    finding.evidence = [{ kind: 'edge-address', from: edge.from }, ...(finding.evidence ?? [])];
    return [finding];
  },
});
