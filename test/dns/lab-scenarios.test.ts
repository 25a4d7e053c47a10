/**
 * The lab's DNS scenarios, run live as a user runs them: what the scenario serves, and that the
 * report names it (issue 10: hairpin, silent resolver).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, SCENARIOS, internalRecords, LAB } from '@cms-doctor/lab';
import { main } from '@cms-doctor/doctor/cli';

interface Finding {
  check: string;
  code: string;
  status: string;
  subject?: string;
  detail?: string;
}

const ROOT = join(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function runScenario(name: string, only: string): Promise<Finding[]> {
  const dir = await mkdtemp(join(tmpdir(), 'cmsd-dns-lab-'));
  dirs.push(dir);
  const lab = await startLab({ scenario: name, dir });
  try {
    let out = '';
    await main(['run', '--config', lab.configPath, '--only', only, '--format', 'json', '--timeout', '15'], {
      stdout: (t) => {
        out += t;
      },
      stderr: () => undefined,
      env: {},
      stdoutTty: false,
      stderrTty: false,
      stdinTty: false,
      prompt: () => Promise.reject(new Error('no prompt in tests')),
      cwd: ROOT,
    });
    return (JSON.parse(out) as { findings: Finding[] }).findings;
  } finally {
    await lab.close();
  }
}

describe('lab scenario dns-internal-points-to-edge', () => {
  it("serves the Expressway-E's LAN address internally, the address CMS has as its TURN serverAddress", () => {
    const s = SCENARIOS.find((x) => x.name === 'dns-internal-points-to-edge');
    const served = s?.setup.internalRecords?.(internalRecords()).find((r) => r.name === 'cmsweb.octavio.com' && r.type === 'A');
    expect(served).toMatchObject({ value: LAB.edgeLan1 });
  });

  it('is named a hairpin in the live run, with CMS turnServers as the source of the edge address', async () => {
    const findings = await runScenario('dns-internal-points-to-edge', 'dns,cms');
    const f = findings.find((x) => x.code === 'dns/internal-not-cms');
    expect(f?.status).toBe('fail');
    expect(f?.detail).toMatch(/^Hairpin:/);
    expect(f?.detail).toContain(`${LAB.edgeLan1} is the Expressway-E address from CMS turnServers serverAddress`);
  }, 60_000);
});

describe('lab scenario fault-resolver-silent', () => {
  it('gives every internal name its own undecided error and passes nothing internal', async () => {
    const findings = (await runScenario('fault-resolver-silent', 'dns')).filter((f) => f.check.startsWith('dns.'));
    const internal = findings.filter((f) => f.subject?.endsWith('(internal)'));
    expect(internal.map((f) => `${f.status} ${f.code} ${f.subject?.split(' @ ')[0]}`)).toEqual([
      'error dns/resolver-unreachable cmsweb.octavio.com',
      'error dns/resolver-unreachable _xmpp-client._tcp.cms.octavio.local',
      'info dns/srv _xmpp-server._tcp.cms.octavio.local',
      'info dns/srv _cms-web._tls.cmsweb.octavio.com',
    ]);
    expect(findings.filter((f) => f.status === 'pass').every((f) => f.subject?.endsWith('(external)'))).toBe(true);
  }, 60_000);
});
