import { readFile } from 'node:fs/promises';
import { codeOf, defineCheck, DNS_WEBBRIDGE, remainingMs, type DnsWebbridgeData, type Evidence, type FindingDraft } from '@cms-doctor/core';
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

/** Turns one probe result into the finding the contract names. */
export function judgeWebProxy(r: WebProxyProbeResult, host: string, port: number, servername: string, runAborted: boolean): FindingDraft {
  const subject = `${servername} at ${host}:${port}/tls`;
  const evidence = evidenceOf(r, host, port, servername);
  if (!r.ok) {
    if (r.phase === 'connect' && !runAborted) {
      return {
        code: 'expressway/web-proxy-unreachable',
        status: 'fail',
        title: `Nothing answers HTTPS for ${servername} at ${host}:${port}`,
        detail: r.timedOut ? `TCP connect got no answer (${r.error}): a firewall may drop TCP ${port}` : `TCP connect failed: ${r.error}`,
        subject,
        evidence,
        fixes: ['firewall-https'],
        basis: 'documented',
      };
    }
    return {
      code: 'expressway/check-error',
      status: 'error',
      title: `The web proxy at ${host}:${port} did not complete the ${r.phase === 'handshake' ? 'TLS handshake' : r.phase === 'response' ? 'HTTP answer' : 'connection'}`,
      detail: `${r.error}${r.timedOut ? ' (a server that accepts TCP and then stalls)' : ''}`,
      subject,
      evidence: [...evidence, { kind: 'probe-error', phase: r.phase, error: r.error, timedOut: r.timedOut }],
      basis: 'inferred',
    };
  }
  const c = classifyAnswer(r.answer);
  switch (c.verdict) {
    case 'web-app':
      return {
        code: codeOf(WEB_PROXY_CHECK),
        status: 'pass',
        title: `The edge serves the web bridge page for ${servername}`,
        subject,
        evidence,
        basis: 'inferred',
      };
    case 'bad-request':
      return {
        code: 'expressway/guest-uri-internal',
        status: 'fail',
        title: `The edge answers "Bad Request" for ${servername}`,
        detail:
          'The document shows this when Expressway-C has the internal web bridge name as Guest account client URI (judged from the HTTP answer).',
        subject,
        evidence,
        fixes: ['guest-uri-external'],
        basis: 'inferred',
      };
    case 'admin-login':
      return {
        code: 'expressway/admin-port-443',
        status: 'fail',
        title: `The edge answers ${port} with the Expressway administration login, not the web bridge`,
        detail: 'The administration port must move off 443 (the document uses 445) so guests reach the web proxy.',
        subject,
        evidence,
        fixes: ['edge-admin-port'],
        basis: 'inferred',
      };
    default:
      return {
        code: 'expressway/web-proxy-unexpected',
        status: 'warn',
        title: `The edge answers ${servername} with HTTP ${r.answer.status}, not the web bridge page`,
        subject,
        evidence,
        basis: 'inferred',
      };
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
