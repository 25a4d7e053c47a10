import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startLab } from './lab.js';
import { SCENARIOS } from './scenarios/index.js';
import { probeWebProxy, classifyAnswer } from '../../expressway/src/index.js';

const dirs: string[] = [];
const tempDir = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), 'cms-doctor-lab-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const sockets = (): number => process.getActiveResourcesInfo().filter((r) => /TCPServerWrap|UDPWrap|TCPSocketWrap|TLSWrap/.test(r)).length;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[::1\]|::1)$/;
const hostOf = (v: string): string => (v.startsWith('https://') ? new URL(v).hostname : (v.split(':')[0] ?? ''));

describe('startLab', () => {
  it('every scenario is data with a name, a title and expected codes and fixes', () => {
    const names = SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const required of [
      'healthy',
      'trust-bundle-none',
      'guest-uri-internal',
      'edge-self-signed',
      'edge-san-missing',
      'turn-wrong-password',
      'turn-udp-blocked',
      'media-ports-blocked',
      'dns-internal-points-to-edge',
      'dns-external-missing',
      'edge-admin-port-443',
      'cms-no-spaces',
      'call-matching-missing-external-domain',
    ])
      expect(names).toContain(required);
    expect(SCENARIOS.find((s) => s.name === 'healthy')?.expected.codes).toEqual([]);
    for (const s of SCENARIOS.filter((x) => x.name !== 'healthy')) expect(s.expected.codes.length, s.name).toBeGreaterThan(0);
  });

  it('the healthy lab writes its config, loopback only, secrets in 0600 files, and stops without leaking sockets', async () => {
    const before = sockets();
    const dir = await tempDir();
    const lab = await startLab({ dir });
    try {
      const yaml = parse(await readFile(lab.configPath, 'utf8')) as Record<string, unknown>;
      expect(yaml).toEqual(lab.config);
      for (const key of ['internal-dns', 'external-dns', 'edge', 'edge-nat-address', 'cms-address', 'turn', 'cms-api'])
        expect(hostOf(String(yaml[key])), key).toMatch(LOOPBACK);
      expect(yaml['external']).toBe('cmsweb.octavio.com');
      for (const key of ['turn-password-file', 'cms-password-file']) {
        const mode = (await stat(String(yaml[key]))).mode & 0o777;
        expect(mode, key).toBe(0o600);
      }
      expect(JSON.stringify(yaml)).not.toMatch(/cisco|lab-api-password/);
      expect(await readFile(String(yaml['ca']), 'utf8')).toMatch(/BEGIN CERTIFICATE/);
      // The edge serves the web bridge page, proxied from the lab's web bridge, with a chain the lab CA verifies.
      const [host, port] = String(yaml['edge']).split(':');
      const r = await probeWebProxy({
        host: host!,
        port: Number(port),
        servername: 'cmsweb.octavio.com',
        ca: [await readFile(String(yaml['ca']), 'utf8')],
      });
      expect(r.ok && classifyAnswer(r.answer).verdict).toBe('web-app');
      expect(r.ok && r.tls.authorized).toBe(true);
    } finally {
      await lab.close();
    }
    // Destroyed handles are released on a later turn of the event loop.
    for (let i = 0; i < 50 && sockets() > before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sockets()).toBeLessThanOrEqual(before);
  });

  it('starts and stops every scenario', async () => {
    for (const s of SCENARIOS) {
      const dir = await tempDir();
      const lab = await startLab({ scenario: s.name, dir });
      expect(lab.expected).toEqual(s.expected);
      if (s.attachments) expect(lab.attachments.length).toBe(Object.keys(s.attachments).length);
      await lab.close();
    }
  });

  it('trust-bundle-none writes the MMP webbridge output a customer would attach', async () => {
    const lab = await startLab({ scenario: 'trust-bundle-none', dir: await tempDir() });
    try {
      expect(await readFile(lab.attachments[0]!, 'utf8')).toMatch(/Trust bundle\s+: none/);
    } finally {
      await lab.close();
    }
  });

  it('guest-uri-internal and edge-admin-port-443 serve what the expressway classifier expects', async () => {
    for (const [scenario, verdict] of [
      ['guest-uri-internal', 'bad-request'],
      ['edge-admin-port-443', 'admin-login'],
    ] as const) {
      const lab = await startLab({ scenario, dir: await tempDir() });
      try {
        const [host, port] = String(lab.config['edge']).split(':');
        const r = await probeWebProxy({ host: host!, port: Number(port), servername: 'cmsweb.octavio.com' });
        expect(r.ok && classifyAnswer(r.answer).verdict, scenario).toBe(verdict);
      } finally {
        await lab.close();
      }
    }
  });

  it('refuses an unknown scenario and leaks nothing', async () => {
    await expect(startLab({ scenario: 'nope', dir: await tempDir() })).rejects.toThrow(/unknown scenario/);
  });
});
