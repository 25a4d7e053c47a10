import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckContext, FindingDraft, TriageFile } from '@cms-doctor/core';
import { expresswayLogCheck, expresswayLogRecogniser, tlsErrorFindings } from './check.js';
import { isTvcsLogLine, parseTlsNegotiationError, tlsCause } from './tvcs-log.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../fixtures/expressway/realdata/${name}`, import.meta.url), 'utf8');
const errorsOf = (text: string) => text.split(/\r?\n/).flatMap((l, i) => parseTlsNegotiationError(l, i + 1) ?? []);

describe('Expressway tvcs logs', () => {
  it('TAC 212475: three inbound TLS failures, each named by its certificate cause', () => {
    const text = fixture('expressway-tvcs_tac212475_tls-san.txt');
    expect(expresswayLogRecogniser.recognise(Buffer.from(text), 'x')).toBe(true);
    const errors = errorsOf(text);
    expect(errors.map((e) => [e.direction, tlsCause(e.detail).cause])).toEqual([
      ['inbound', 'self-signed-chain'],
      ['inbound', 'identity-unacceptable'],
      ['inbound', 'certificate-unknown'],
      ['outbound', 'other'],
    ]);
    expect(errors[1]).toMatchObject({ peer: '146.20.193.45 to local port 5062' });
    // Port 5062 is the Webex Hybrid DNS zone (TAC 212475): its fix, never the web bridge SAN fix.
    const findings = tlsErrorFindings(errors, 'f', { webBridgeName: 'cmsweb.octavio.com' });
    expect(findings.map((f) => f.fixes)).toEqual([['sip-zone-tls'], ['sip-zone-tls'], ['sip-zone-tls'], ['sip-zone-tls']]);
    expect(findings.every((f) => f.code === 'expressway/tls-negotiation-error' && f.basis === 'field')).toBe(true);
    expect(findings[1]?.detail).toMatch(/Link: hybrid-zone, as port 5062/);
  });

  it('the MRA traversal fragment (port 7001) gets the traversal zone fix, not the web bridge SAN fix', () => {
    const errors = errorsOf(fixture('expressway-misc_tac-mra-traversal_fragments.txt'));
    const [e] = errors;
    expect(e).toMatchObject({ direction: 'outbound', peer: '10.48.36.171:7001', commonName: '10.48.36.17 1', servicePort: 7001 });
    expect(tlsCause(e!.detail).cause).toBe('identity-unacceptable');
    const [f] = tlsErrorFindings(errors, 'mra.txt', { webBridgeName: 'cmsweb.octavio.com' });
    expect(f).toMatchObject({ code: 'expressway/tls-negotiation-error', status: 'warn', fixes: ['traversal-zone-tls'] });
    expect(f?.detail).toMatch(/Link: traversal-zone, as port 7001/);
  });

  it('the fix follows the port: neighbour zone, web proxy (SAN fix only for the web bridge name), web bridge, unknown', () => {
    const line = (dir: 'Inbound' | 'Outbound', port: number, detail: string, cn = ''): string =>
      `tvcs: Event="${dir} TLS Negotiation Error" Service="SIP" Src-ip="192.0.2.1" Src-port="40000" Dst-ip="192.0.2.2" Dst-port="${port}" Detail="${detail}" Protocol="TLS"${cn ? ` Common-name="${cn}"` : ''}`;
    const fixesOf = (l: string, wb?: string) =>
      tlsErrorFindings([parseTlsNegotiationError(l, 1)!], 'x', wb ? { webBridgeName: wb } : {})[0]?.fixes;
    const identity = "Peer's TLS certificate identity was unacceptable";
    expect(fixesOf(line('Outbound', 5061, 'self signed certificate in certificate chain'))).toEqual(['sip-zone-tls']);
    expect(fixesOf(line('Inbound', 443, identity, 'cmsweb.octavio.com'), 'cmsweb.octavio.com')).toEqual(['edge-cert-san']);
    expect(fixesOf(line('Inbound', 443, identity, 'vcse.octavio.com'), 'cmsweb.octavio.com')).toEqual([]);
    expect(fixesOf(line('Inbound', 443, identity, 'cmsweb.octavio.com'))).toEqual([]);
    expect(fixesOf(line('Inbound', 443, 'sslv3 alert certificate unknown'))).toEqual(['edge-cert-trusted-ca']);
    expect(fixesOf(line('Outbound', 443, identity, 'cmsweb.octavio.com'), 'cmsweb.octavio.com')).toEqual([]);
    expect(fixesOf(line('Outbound', 7002, 'certificate verify failed'))).toEqual(['traversal-zone-tls']);
    expect(fixesOf(line('Outbound', 7001, 'No SSL error available, probably remote disconnect'))).toEqual([]);
    expect(fixesOf(line('Outbound', 9999, identity, 'cmsweb.octavio.com'), 'cmsweb.octavio.com')).toEqual([]);
  });

  it('recognises every tvcs log of the real data, and no CMS syslog', () => {
    for (const f of ['expressway-tvcs_tac200928_dns.txt', 'expressway-tvcs-rfc5424_splunk-sc4s-test_TEMPLATED.txt'])
      expect(expresswayLogRecogniser.recognise(Buffer.from(fixture(f)), f)).toBe(true);
    expect(isTvcsLogLine('Nov 25 10:00:00 cms host:server: INFO : call 6: ICE failure')).toBe(false);
  });

  it('the check passes --external as the web bridge name: the SAN fix only for that name on the web proxy port', async () => {
    const text = [
      'tvcs: Event="Inbound TLS Negotiation Error" Service="SIP" Src-ip="192.0.2.9" Src-port="51000" Dst-ip="192.0.2.2" Dst-port="443" Detail="Peer\'s TLS certificate identity was unacceptable" Protocol="TLS" Common-name="cmsweb.octavio.com"',
      'tvcs: Event="Outbound TLS Negotiation Error" Service="SIP" Src-ip="192.0.2.2" Src-port="25697" Dst-ip="192.0.2.3" Dst-port="7001" Detail="Peer\'s TLS certificate identity was unacceptable" Protocol="TLS" Common-name="cmsweb.octavio.com"',
    ].join('\n');
    const file: TriageFile = {
      path: 'exp.log',
      diskPath: 'exp.log',
      size: text.length,
      kind: 'expressway-log',
      head: new TextEncoder().encode(text),
      bytes: async () => Buffer.from(text),
      text: async () => text,
      lines: async function* () {
        yield* text.split('\n');
      },
      reject: () => undefined,
    };
    const ctx = (external?: string): CheckContext => ({
      target: external ? { external } : {},
      signal: new AbortController().signal,
      deadline: Date.now() + 5000,
      mode: 'offline',
      get: () => undefined,
      files: () => [file],
    });
    const withName = (await expresswayLogCheck.run(ctx('cmsweb.octavio.com'))) as FindingDraft[];
    expect(withName.map((f) => f.fixes)).toEqual([['edge-cert-san'], ['traversal-zone-tls']]);
    const without = (await expresswayLogCheck.run(ctx())) as FindingDraft[];
    expect(without.map((f) => f.fixes)).toEqual([[], ['traversal-zone-tls']]);
    expect(without[0]?.detail).toMatch(/give --external/);
  });

  it('never throws on any text (fast-check, 3000 runs)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        parseTlsNegotiationError(s, 1);
        parseTlsNegotiationError(`tvcs: Event=" Inbound TLS Negotiation Error " ${s}`, 1);
        isTvcsLogLine(s);
      }),
      { numRuns: 3000 },
    );
  });
});
