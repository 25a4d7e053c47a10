import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { startLabDns, type LabDns } from './dns-server/index.js';
import { startCmsSimulator, type CmsSimulator } from './cms-sim/index.js';
import { createLabPki, type LabPki } from './pki/index.js';
import { startTurnEmulator, type TurnEmulator } from './turn-emulator/index.js';
import { startWebBridge, startWebProxy, type WebProxy } from './web-proxy/index.js';
import { DOCUMENT, EDGE_SANS, externalRecords, internalRecords, LAB, remap } from './topology.js';
import { freeUdpTcpPort } from './ports.js';
import { scenarioByName, SCENARIOS } from './scenarios/index.js';
import { startMmpSshSimulator } from './mmp-ssh/server.js';
import { DOCUMENT_SCREENS, screensOfTranscript } from './mmp-ssh/screens.js';
import type { Scenario } from './scenarios/scenario.js';

export interface LabOptions {
  /** Scenario name (default `healthy`). */
  scenario?: string;
  /** Folder for cms-doctor.yaml, password files, the CA and attachments; created if missing. */
  dir: string;
}

export interface Lab {
  /** Option values with the CLI's flag names (kebab-case), as written to cms-doctor.yaml. */
  config: Record<string, unknown>;
  configPath: string;
  scenario: Scenario;
  /** What a run against this lab must report. */
  expected: { codes: string[]; fixes: string[] };
  /** Paths of the attachments written for offline triage (empty when the scenario has none). */
  attachments: string[];
  /** Every listening endpoint, for display. */
  endpoints: { role: string; address: string }[];
  close(): Promise<void>;
}

/** Closes everything started so far when a later start fails, so a failed start leaks nothing. */
class Stack {
  private readonly closers: (() => Promise<void>)[] = [];
  add<T extends { close(): Promise<void> }>(x: T): T {
    this.closers.push(() => x.close());
    return x;
  }
  async close(): Promise<void> {
    const all = this.closers.splice(0).reverse();
    await Promise.allSettled(all.map((c) => c()));
  }
}

async function startTurn(setup: Scenario['setup'], users: Record<string, string>): Promise<TurnEmulator & { port: number }> {
  const relayHost = setup.turnRelayOn === 'edgeLan2' ? LAB.edgeLan2 : LAB.edgeNat;
  let last: unknown;
  for (let i = 0; i < 5; i++) {
    const port = await freeUdpTcpPort(LAB.edgeNat);
    try {
      const t = await startTurnEmulator({
        host: LAB.edgeNat,
        udpPort: port,
        tcpPort: port,
        realm: DOCUMENT.turnRealm,
        users,
        relayHost,
        relayPortRange: [24000, 29999],
        mode: setup.turnMode ?? 'normal',
      });
      return Object.assign(t, { port });
    } catch (e) {
      last = e; // another process took the port between the check and the bind
    }
  }
  throw last;
}

/**
 * Starts the document's deployment on loopback with one scenario's fault injected,
 * and writes `cms-doctor.yaml` so `cms-doctor run --config <it>` reaches it.
 */
export async function startLab(opts: LabOptions): Promise<Lab> {
  const name = opts.scenario ?? 'healthy';
  const scenario = scenarioByName(name);
  if (!scenario) throw new Error(`unknown scenario "${name}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const setup = scenario.setup;
  const dir = resolve(opts.dir);
  await mkdir(dir, { recursive: true });
  const stack = new Stack();
  try {
    // Certificates first: the slowest step, and independent of the servers.
    const [edgePki, cmsPki] = await Promise.all([
      createLabPki({
        names: EDGE_SANS,
        ips: [LAB.edgeNat],
        kind: 'ecdsa',
        variant: setup.edgeCert ?? 'good',
        ...(setup.edgeCertEku ? { leafEku: setup.edgeCertEku } : {}),
      }),
      createLabPki({
        names: [DOCUMENT.internalWebBridge, `admin.${DOCUMENT.internalDomain}`, DOCUMENT.external],
        ips: [LAB.cms],
        kind: 'ecdsa',
        variant: 'good',
      }),
    ]);
    const cmsTls = { key: cmsPki.keyPem, cert: cmsPki.chainPem };

    const cmsPassword = 'lab-api-password';
    const [dnsIn, dnsOut, webBridge, cms, turn] = await Promise.all([
      startLabDns({
        host: LAB.internalDns,
        records: (setup.internalRecords ?? ((r) => r))(internalRecords()),
        fault: setup.internalDnsFault ?? 'none',
      }).then((x) => stack.add(x)),
      startLabDns({
        host: LAB.externalDns,
        records: (setup.externalRecords ?? ((r) => r))(externalRecords()),
        fault: setup.externalDnsFault ?? 'none',
      }).then((x) => stack.add(x)),
      startWebBridge({ host: LAB.cms, tls: cmsTls }).then((x) => stack.add(x)),
      startCmsSimulator({
        host: LAB.cms,
        tls: cmsTls,
        user: DOCUMENT.cmsUser,
        password: cmsPassword,
        ...(setup.cmsVersion ? { version: setup.cmsVersion } : {}),
        faults: setup.cmsFaults ?? [],
        turn: { serverAddress: LAB.edgeLan1, clientAddress: LAB.edgeNat, username: DOCUMENT.turnUser, tcpPortNumberOverride: 3478 },
        domains: { internal: DOCUMENT.internalDomain, external: DOCUMENT.externalDomain },
        webBridgeUrl: `https://${DOCUMENT.internalWebBridge}`,
      }).then((x) => stack.add(x)),
      startTurn(setup, {
        [DOCUMENT.turnUser]: setup.turnPasswordMismatch ? `${DOCUMENT.turnPassword}-changed-on-expressway` : DOCUMENT.turnPassword,
      }).then((x) => stack.add(x)),
    ]);
    // The MMP over SSH: the document's screens, with a scenario's pasted MMP output (what the
    // customer attaches for triage) as what the live collector reads too.
    const mmpPassword = 'lab-mmp-password';
    const attached = Object.entries(scenario.attachments ?? {})
      .filter(([name]) => name.startsWith('mmp-'))
      .map(([, text]) => screensOfTranscript(text));
    const licenceInactive = (setup.cmsFaults ?? []).some((f) => /^license-(inactive|expired)$/.test(f));
    const mmp = stack.add(
      await startMmpSshSimulator({
        host: LAB.cms,
        hostname: 'proxyWebRTC',
        username: DOCUMENT.cmsUser,
        password: mmpPassword,
        screens: Object.assign(
          { ...DOCUMENT_SCREENS },
          // The document's own licence line, which expired in 2017, for a scenario whose licence is not active.
          licenceInactive ? { license: 'Feature: callbridge status: Activated expiry: 2017-Jul-09\n' } : {},
          ...attached,
        ),
        files: { 'callbridge.cer': cmsPki.certPem, 'root.cer': cmsPki.rootPem },
      }),
    );

    let edge: WebProxy | { port: number };
    if (setup.webProxy === 'down') {
      // A port that nothing listens on: take a free one and release it.
      const probe = await startWebProxy({ host: LAB.edgeNat, tls: { key: edgePki.keyPem, cert: edgePki.chainPem }, mode: 'web-app' });
      edge = { port: probe.port };
      await probe.close();
    } else {
      edge = stack.add(
        await startWebProxy({
          host: LAB.edgeNat,
          tls: { key: edgePki.keyPem, cert: edgePki.chainPem },
          mode: setup.webProxy ?? 'web-app',
          upstream: { host: LAB.cms, port: webBridge.port, servername: DOCUMENT.internalWebBridge, ca: cmsPki.rootPem },
          turnTcp: { host: LAB.edgeNat, port: turn.port },
        }),
      );
    }

    const files = {
      ca: join(dir, 'lab-ca.pem'),
      turnPassword: join(dir, 'turn-password'),
      cmsPassword: join(dir, 'cms-password'),
      mmpPassword: join(dir, 'cms-ssh-password'),
      config: join(dir, 'cms-doctor.yaml'),
    };
    await writeFile(files.ca, `${edgePki.rootPem.trim()}\n${cmsPki.rootPem.trim()}\n`);
    for (const [path, secret] of [
      [files.turnPassword, DOCUMENT.turnPassword],
      [files.cmsPassword, cmsPassword],
      [files.mmpPassword, mmpPassword],
    ] as const) {
      await writeFile(path, `${secret}\n`, { mode: 0o600 });
      await chmod(path, 0o600);
    }
    const config: Record<string, unknown> = {
      external: DOCUMENT.external,
      'external-domain': DOCUMENT.externalDomain,
      'internal-domain': DOCUMENT.internalDomain,
      'internal-dns': `${dnsIn.host}:${dnsIn.port}`,
      'external-dns': `${dnsOut.host}:${dnsOut.port}`,
      edge: `${LAB.edgeNat}:${edge.port}`,
      'edge-nat-address': LAB.edgeNat,
      'cms-address': LAB.cms,
      webbridge: `${LAB.cms}:${webBridge.port}`,
      turn: `${LAB.edgeNat}:${turn.port}`,
      'turn-user': DOCUMENT.turnUser,
      'turn-password-file': files.turnPassword,
      'turn-tcp-expected': true,
      'media-port-range': '24000-29999',
      'cms-api': cms.url,
      'cms-user': DOCUMENT.cmsUser,
      'cms-password-file': files.cmsPassword,
      'cms-ssh': `${DOCUMENT.cmsUser}@${LAB.cms}:${mmp.port}`,
      'cms-ssh-password-file': files.mmpPassword,
      'cms-ssh-host-key': [mmp.hostKeyFingerprint],
      ca: files.ca,
    };
    const header = [
      `# cms-doctor lab, scenario "${scenario.name}": ${scenario.title}`,
      `# The document's deployment remapped onto loopback (172.16.85.180 -> ${remap(DOCUMENT.cms)}, ${DOCUMENT.edgeNat} -> ${LAB.edgeNat}).`,
      `# Expected: ${scenario.expected.codes.length ? scenario.expected.codes.join(', ') : 'no failure'}`,
      '',
    ].join('\n');
    await writeFile(files.config, header + stringify(config));

    const attachments: string[] = [];
    for (const [fileName, text] of Object.entries(scenario.attachments ?? {})) {
      const p = join(dir, 'attachments', fileName);
      await mkdir(join(dir, 'attachments'), { recursive: true });
      await writeFile(p, text);
      attachments.push(p);
    }

    const endpoints = [
      { role: 'internal DNS (AD)', address: `${dnsIn.host}:${dnsIn.port} udp+tcp` },
      { role: 'external DNS', address: `${dnsOut.host}:${dnsOut.port} udp+tcp` },
      { role: `Expressway-E web proxy (${setup.webProxy ?? 'web-app'})`, address: `${LAB.edgeNat}:${edge.port} tls` },
      { role: `Expressway-E TURN (${setup.turnMode ?? 'normal'})`, address: `${LAB.edgeNat}:${turn.port} udp+tcp` },
      { role: 'CMS web bridge', address: `${LAB.cms}:${webBridge.port} tls` },
      { role: 'CMS API', address: cms.url },
      { role: 'CMS MMP (SSH)', address: `${LAB.cms}:${mmp.port} ssh` },
    ];
    let closed = false;
    return {
      config,
      configPath: files.config,
      scenario,
      expected: { codes: [...scenario.expected.codes], fixes: [...scenario.expected.fixes] },
      attachments,
      endpoints,
      close: async () => {
        if (closed) return;
        closed = true;
        await stack.close();
      },
    };
  } catch (e) {
    await stack.close();
    throw e;
  }
}

export type { CmsSimulator, LabDns, LabPki };
