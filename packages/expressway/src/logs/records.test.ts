import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckContext, FindingDraft, TriageFile } from '@cms-doctor/core';
import {
  alarmFindings,
  cmsCheckFindings,
  edgeServerFindings,
  expresswayLogCheck,
  expresswayLogRecogniser,
  guestUriFindings,
  readExpresswayLog,
} from './check.js';
import { cleanHumanLine, decodeHumanText } from './human-text.js';

const real = (name: string): string => readFileSync(new URL(`../../../../fixtures/realworld/expressway/${name}`, import.meta.url), 'utf8');
const own = (name: string): string => readFileSync(new URL(`../../../../fixtures/expressway/realdata/${name}`, import.meta.url), 'utf8');
const recognised = (text: string): boolean => expresswayLogRecogniser.recognise(Buffer.from(text), 'x');

describe('Expressway log records beyond TLS negotiation errors (real samples)', () => {
  it('TAC 213863: network.tcp closed with Reason "no certificate returned" behind Line NNN: prefixes', () => {
    const text = real('tac213863_expc_network-tcp-no-certificate-returned_LineNNN_as-rendered.txt');
    expect(recognised(text)).toBe(true);
    const r = readExpresswayLog(text);
    expect(r.tcpCloses).toMatchObject([{ line: 3, peer: '10.50.47.51:5061', reason: 'no certificate returned' }]);
  });

  it('TAC 213481: clusterdb records give the web bridges and the guest account client URI', () => {
    const r = readExpresswayLog(real('tac213481_expc_clusterdb-edgeCmsServerAddresses_as-rendered.txt'));
    // The excerpt carries the address records of two of the three web bridges.
    expect(r.servers.flatMap((s) => s.values.get('address')?.value ?? []).sort()).toEqual(['192.168.1.211', '192.168.1.66']);
    expect(r.servers.every((s) => s.name === 'joinext.vngtp.cms')).toBe(true);
    const [f] = edgeServerFindings(r.servers, 'f');
    expect(f).toMatchObject({ code: 'expressway/logs', status: 'info' });
    const internal = guestUriFindings(r.guestUris, 'f', { internalDomain: 'vngtp.cms' });
    expect(internal).toMatchObject([{ code: 'expressway/guest-uri-internal', status: 'fail' }]);
    expect(guestUriFindings(r.guestUris, 'f', { external: 'joinext.vngtp.cms' })).toMatchObject([{ status: 'info' }]);
  });

  it('TAC 213481: priority 65536 / weight 0 is the failed _cms-web._tls SRV lookup', () => {
    const r = readExpresswayLog(real('tac213481_expc_clusterdb-priority-65536-fault_as-rendered.txt'));
    const [f] = edgeServerFindings(r.servers, 'f');
    expect(f).toMatchObject({ code: 'expressway/web-bridge-srv-missing', status: 'warn', fixes: ['dns-srv'] });
    expect(f?.detail).toMatch(/_cms-web\._tls\.joinext\.vngtp\.cms/);
  });

  it('TAC 213481: the httpd web audit names the guest account client URI (cmsadd /name)', () => {
    const r = readExpresswayLog(real('tac213481_expc_httpd-web-config-changed_as-rendered.txt'));
    expect(r.guestUris).toMatchObject([{ value: 'joinext.vngtp.cms', line: 6 }]);
  });

  it('TAC 213481: CMS check failed, Connection refused is the web bridge unreachable, naming the address', () => {
    const text = own('expressway-cms-check-failed_tac213481_fragment.txt');
    expect(recognised(text)).toBe(true);
    const [f] = cmsCheckFindings(readExpresswayLog(text).cmsChecks, 'f');
    expect(f).toMatchObject({ code: 'expressway/web-bridge-unreachable', status: 'fail' });
    expect(f?.detail).toMatch(/192\.168\.1\.212.*Connection refused/);
  });

  it('TAC 217230: alarm records and cluster records are recognised; alarms listed', () => {
    const text = real('tac217230_expc_clusterdb-peer-down-alarms_as-rendered.txt');
    expect(recognised(text)).toBe(true);
    expect(recognised(real('tac217230_expc_tls-verify-enforcing-config-change_as-rendered.txt'))).toBe(true);
    const [f] = alarmFindings(readExpresswayLog(text).alarms, 'f');
    expect(f?.detail).toMatch(/20006: Cluster database communication failure.*20004/);
  });

  it('reads the same records quoted, with CRLF, a BOM, or saved as UTF-16 by Windows', () => {
    const text = real('tac213863_expc_network-tcp-no-certificate-returned_LineNNN_as-rendered.txt');
    const quoted = `\ufeff${text
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\r\n')}`;
    expect(readExpresswayLog(decodeHumanText(Buffer.from(quoted))).tcpCloses).toHaveLength(1);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(expresswayLogRecogniser.recognise(utf16, 'x')).toBe(true);
    expect(readExpresswayLog(decodeHumanText(utf16)).tcpCloses).toHaveLength(1);
    expect(readExpresswayLog(decodeHumanText(Buffer.from(text, 'utf16le'))).tcpCloses).toHaveLength(1);
    expect(cleanHumanLine('> Line 12: x')).toBe('x');
  });
});

describe('Expressway log reader (fuzz)', () => {
  const sample = real('tac213481_expc_clusterdb-edgeCmsServerAddresses_as-rendered.txt').split('\n');
  it('never throws on arbitrary text, bytes or mutated real lines', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        readExpresswayLog(s);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        expresswayLogRecogniser.recognise(b, 'x');
        readExpresswayLog(decodeHumanText(b));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...sample), fc.nat(300), fc.string({ maxLength: 20 }), (line, at, ins) => {
        const r = readExpresswayLog(`${line.slice(0, at)}${ins}${line.slice(at)}`);
        expect(r.servers.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the Expressway log check on a whole file', () => {
  const fileOf = (name: string, content: Buffer): TriageFile => ({
    path: name,
    diskPath: name,
    size: content.length,
    kind: 'expressway-log',
    head: content.subarray(0, 65536),
    bytes: async () => content,
    text: async () => content.toString('utf8'),
    lines: async function* () {
      yield* content.toString('utf8').split('\n');
    },
    reject: () => undefined,
  });
  const run = async (file: TriageFile, target: CheckContext['target'] = {}): Promise<FindingDraft[]> =>
    (await expresswayLogCheck.run({
      target,
      signal: new AbortController().signal,
      deadline: Date.now() + 5000,
      mode: 'offline',
      get: () => undefined,
      files: () => [file],
    })) as FindingDraft[];

  it('TAC 213863: the close without a client certificate is a TLS failure on the neighbour zone port, not "no TLS error"', async () => {
    const text = real('tac213863_expc_network-tcp-no-certificate-returned_LineNNN_as-rendered.txt');
    for (const content of [Buffer.from(text), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])]) {
      const findings = await run(fileOf('x.log', content));
      expect(findings.map((f) => `${f.code}:${f.status}`)).toEqual(['expressway/tls-negotiation-error:warn']);
      expect(findings[0]?.detail).toMatch(/10\.50\.47\.51:5061.*no certificate returned.*neighbour-zone/);
      expect(findings[0]?.fixes).toEqual(['sip-zone-tls']);
    }
  });

  it('a close with another Reason is grouped by peer with the reason named', async () => {
    const line = real('tac213863_expc_network-tcp-no-certificate-returned_LineNNN_as-rendered.txt')
      .split('\n')[2]!
      .replace('no certificate returned', 'Connection reset by peer');
    const findings = await run(fileOf('x.log', Buffer.from(`${line}\n${line}\n`)));
    expect(findings).toMatchObject([{ code: 'expressway/tcp-closed-with-reason', status: 'warn' }]);
    expect(findings[0]?.detail).toMatch(/10\.50\.47\.51:5061 was closed 2 time\(s\) with Reason "Connection reset by peer"/);
  });
});
