/**
 * The Expressway-E certificate in the lab against the document's SAN list: the healthy lab has
 * every name the document lists and gets no certificate warning; edge-san-missing still fails
 * with cert/san-missing for the web bridge name.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLab } from '@cms-doctor/lab';
import { runCli } from '../helpers/cli.js';

interface Report {
  findings: {
    check: string;
    code: string;
    status: string;
    title: string;
    detail?: string;
    fixes: string[];
    evidence: { kind: string }[];
  }[];
}

// The source document's SAN list for the Expressway-E certificate, verbatim.
const DOCUMENT_SANS = [
  'vcse.octavio.com',
  'vcsc.octavio.local',
  'cmsweb.octavio.com',
  'cmsweb.octavio.local',
  'octavio.local',
  'cms.octavio.local',
  'octavio.com',
];

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function certReport(scenario: string): Promise<Report> {
  const dir = await mkdtemp(join(tmpdir(), `cmsd-edge-sans-${scenario}-`));
  dirs.push(dir);
  const lab = await startLab({ scenario, dir });
  try {
    const r = await runCli(['run', '--config', lab.configPath, '--only', 'cert', '--format', 'json']);
    return JSON.parse(r.stdout) as Report;
  } finally {
    await lab.close();
  }
}

describe('the Expressway-E certificate of the lab against the document SAN list', () => {
  it('healthy: every documented name present, no certificate warning', async () => {
    const report = await certReport('healthy');
    const edge = report.findings.filter((f) => f.check === 'cert.edge');
    expect(report.findings.filter((f) => ['warn', 'fail', 'error'].includes(f.status))).toEqual([]);
    expect(edge.map((f) => f.status)).toEqual(['pass', 'info']);
    const cov = edge[1]!.evidence[0] as unknown as { names: { name: string; covered: boolean }[] };
    expect(cov.names.map((n) => n.name).sort()).toEqual([...DOCUMENT_SANS].sort());
    expect(cov.names.filter((n) => !n.covered)).toEqual([]);
    expect(edge[1]!.title).toMatch(/6 present, 0 absent/);
  });

  it('edge-san-missing: the web bridge name is missing (cert/san-missing, edge-cert-san)', async () => {
    const report = await certReport('edge-san-missing');
    const problems = report.findings.filter((f) => f.check === 'cert.edge' && ['warn', 'fail'].includes(f.status));
    expect(problems.map((f) => [f.code, f.status, f.fixes])).toEqual([['cert/san-missing', 'fail', ['edge-cert-san']]]);
    expect(problems[0]!.detail).toMatch(
      /cmsweb\.octavio\.com \(from --external.*\) is not covered .*presented by 127\.[\d.]+:\d+, SNI cmsweb\.octavio\.com/,
    );
  });
});
