import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expresswayLogRecogniser, tlsErrorFindings } from './check.js';
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
    const findings = tlsErrorFindings(errors, 'f');
    expect(findings.map((f) => f.fixes)).toEqual([['edge-cert-trusted-ca'], ['edge-cert-san'], ['edge-cert-trusted-ca'], []]);
    expect(findings.every((f) => f.code === 'expressway/tls-negotiation-error' && f.basis === 'field')).toBe(true);
  });

  it('the MRA traversal fragment (no syslog prefix, `Detail= "..."`) names the common name', () => {
    const [e] = errorsOf(fixture('expressway-misc_tac-mra-traversal_fragments.txt'));
    expect(e).toMatchObject({ direction: 'outbound', peer: '10.48.36.171:7001', commonName: '10.48.36.17 1' });
    expect(tlsCause(e!.detail).cause).toBe('identity-unacceptable');
  });

  it('recognises every tvcs log of the real data, and no CMS syslog', () => {
    for (const f of ['expressway-tvcs_tac200928_dns.txt', 'expressway-tvcs-rfc5424_splunk-sc4s-test_TEMPLATED.txt'])
      expect(expresswayLogRecogniser.recognise(Buffer.from(fixture(f)), f)).toBe(true);
    expect(isTvcsLogLine('Nov 25 10:00:00 cms host:server: INFO : call 6: ICE failure')).toBe(false);
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
