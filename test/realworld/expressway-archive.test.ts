/**
 * The Expressway diagnostic log archive, as the Expressway names its members (Expressway
 * Administrator Guide X15.5), triaged as a whole: each member is recognised by its content.
 * The archive is assembled from real lines and files in fixtures/ (fixtures/expressway/diagnostic-archive/README.md).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const ARCHIVE = fileURLToPath(
  new URL('../../fixtures/expressway/diagnostic-archive/diagnostic_log_vcsc_2018-07-09_12_09_11.tar.gz', import.meta.url),
);

interface Report {
  files: { path: string; kind: string }[];
  findings: { code: string; status: string; detail?: string }[];
}

describe('Expressway diagnostic log archive', () => {
  it('recognises every member by content and runs the readers of each', async () => {
    const r = await runCli(['triage', ARCHIVE, '--format', 'json']);
    const report = JSON.parse(r.stdout) as Report;
    const kindOf = (prefix: string): string | undefined => report.files.find((f) => f.path.split('/').pop()!.startsWith(prefix))?.kind;
    expect(kindOf('loggingsnapshot_')).toBe('expressway-log');
    expect(kindOf('xconf_dump_')).toBe('expressway-xconfiguration');
    expect(kindOf('server_')).toBe('x509-pem');
    expect(kindOf('ca_')).toBe('x509-pem');
    expect(kindOf('eth0_diagnostic_logging_tcpdump')).toMatch(/^pcap/);
    const codes = report.findings.map((f) => `${f.code}:${f.status}`);
    expect(codes).toContain('expressway/tls-negotiation-error:warn');
    expect(codes).toContain('expressway/web-bridge-unreachable:fail');
    expect(codes).toContain('expressway/web-bridge-srv-missing:warn');
    expect(codes).toContain('expressway/xconfiguration:info');
    expect(codes).toContain('turn/capture:info');
  }, 60_000);
});
