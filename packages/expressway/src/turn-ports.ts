import {
  CMS_TURN_SERVERS,
  codeOf,
  DEFAULT_MEDIA_PORT_RANGE,
  defineCheck,
  TURN_ALLOCATE,
  type CmsTurnData,
  type FindingDraft,
  type TurnReachabilityData,
} from '@cms-doctor/core';

export const TURN_PORTS_CHECK = 'expressway.turn-ports';

/** One port the document asks the firewall to open toward the Expressway-E public address. */
export interface PortRequirement {
  port: string;
  transport: 'udp' | 'tcp' | 'tls';
  /** Whether a closed port breaks WebRTC here, or only a fallback. */
  required: boolean;
  why: string;
}

/**
 * The document's firewall list (TCP 443; TCP and UDP 3478; UDP 24000-29999), refined by
 * TechNote 210800: TCP 3478 matters when CMS sets tcpPortNumberOverride 3478, and an
 * Expressway with TURN on TCP 443 stops answering TCP 3478.
 */
export function turnPortRequirements(opts: {
  tcpExpected: boolean;
  mediaRange: readonly [number, number];
  tlsPort?: number;
}): PortRequirement[] {
  return [
    {
      port: '3478',
      transport: 'udp',
      required: true,
      why: 'TURN requests from guests (the document: UDP 3478, also needed when TURN runs on 443)',
    },
    {
      port: '3478',
      transport: 'tcp',
      required: opts.tcpExpected,
      why: opts.tcpExpected
        ? 'TURN over TCP: CMS tcpPortNumberOverride 3478 or --turn-tcp-expected'
        : 'TURN over TCP fallback (only required with tcpPortNumberOverride 3478)',
    },
    {
      port: String(opts.tlsPort ?? 443),
      transport: 'tls',
      required: false,
      why: "TURN over TLS: optional; the document's Expressway-E serves TURN on 3478 only, and its 443 is the web proxy",
    },
    {
      port: `${opts.mediaRange[0]}-${opts.mediaRange[1]}`,
      transport: 'udp',
      required: true,
      why: 'media relayed by the Expressway-E (the document: UDP 24000-29999)',
    },
  ];
}

export interface PortVerdict extends PortRequirement {
  /** For the media range: where the relayed port fell (reachability is `turn.allocate`'s media test). */
  measured: 'answered' | 'no answer' | 'not probed' | 'relay port inside' | 'relay port outside';
  probedPort?: number;
}

/** Pure: lines up what `turn.allocate` measured against what the document requires. */
export function interpretTurnPorts(
  data: TurnReachabilityData,
  opts: { tcpExpected: boolean; mediaRange: readonly [number, number]; tlsPort?: number },
): PortVerdict[] {
  return turnPortRequirements(opts).map((req) => {
    if (req.port.includes('-')) {
      if (!data.relayed) return { ...req, measured: 'not probed' };
      const inRange = data.relayed.port >= opts.mediaRange[0] && data.relayed.port <= opts.mediaRange[1];
      return { ...req, measured: inRange ? 'relay port inside' : 'relay port outside', probedPort: data.relayed.port };
    }
    const m = data.transports.find((t) => t.transport === req.transport);
    if (!m) return { ...req, measured: 'not probed' };
    return { ...req, measured: m.answered ? 'answered' : 'no answer', probedPort: m.port };
  });
}

export function judgeTurnPorts(data: TurnReachabilityData, verdicts: readonly PortVerdict[]): FindingDraft {
  const closed = verdicts.filter((v) => v.required && v.measured === 'no answer');
  const tcp = verdicts.find((v) => v.transport === 'tcp');
  const tls = verdicts.find((v) => v.transport === 'tls');
  const notes: string[] = [];
  if (tcp?.measured === 'no answer' && tls?.measured === 'answered')
    notes.push(
      'TCP 3478 is silent while TURN answers on 443: an Expressway with TCP 443 TURN on no longer answers TCP 3478 (TechNote 210800).',
    );
  const evidence = [{ kind: 'turn-port-requirements', server: data.server, ports: verdicts.map((v) => ({ ...v })) }];
  // No evidence, no pass: a required port that was not measured leaves the verdict open.
  const unmeasured = verdicts.filter((v) => v.required && v.measured === 'not probed');
  if (closed.length === 0 && unmeasured.length > 0) {
    return {
      code: codeOf(TURN_PORTS_CHECK),
      status: 'info',
      title: `TURN ports not all measured: ${unmeasured.map((c) => `${c.transport.toUpperCase()} ${c.port}`).join(', ')}`,
      detail: [
        'turn.allocate did not measure these required ports (a transport not probed, or no allocation to learn the relay port from: give the TURN credentials).',
        ...notes,
      ].join(' '),
      subject: data.server,
      evidence,
    };
  }
  if (closed.length === 0) {
    return {
      code: codeOf(TURN_PORTS_CHECK),
      status: 'pass',
      title: 'The TURN ports the document requires answer at the Expressway-E',
      subject: data.server,
      evidence,
      ...(notes.length ? { detail: notes.join(' ') } : {}),
    };
  }
  // The failing finding itself comes from the turn checks that measured it; this one explains.
  return {
    code: codeOf(TURN_PORTS_CHECK),
    status: 'info',
    title: `Required TURN ports not answering at the Expressway-E: ${closed.map((c) => `${c.transport.toUpperCase()} ${c.port}`).join(', ')}`,
    detail: [
      'The document asks the firewall toward the Expressway-E public address to pass TCP 443, TCP and UDP 3478 and UDP 24000-29999.',
      ...notes,
    ].join(' '),
    subject: data.server,
    evidence,
    fixes: ['firewall-turn'],
  };
}

export const turnPortsCheck = defineCheck({
  id: TURN_PORTS_CHECK,
  title: 'TURN ports the document requires at the Expressway-E',
  area: 'expressway',
  modes: ['live'],
  needs: [],
  after: [TURN_ALLOCATE, CMS_TURN_SERVERS],
  async run(ctx) {
    const data = ctx.get<TurnReachabilityData>(TURN_ALLOCATE);
    if (!data) {
      return [
        {
          code: codeOf(TURN_PORTS_CHECK),
          status: 'skip',
          title: 'TURN ports not judged: no TURN measurement',
          detail: 'needs the measurements of turn.allocate (give --turn or --edge)',
          needs: ['turn'],
        },
      ];
    }
    const cms = ctx.get<CmsTurnData>(CMS_TURN_SERVERS);
    const tcpExpected = ctx.target.turnTcpExpected ?? cms?.tcpPortNumberOverride === 3478;
    const mediaRange = ctx.target.mediaPortRange ?? DEFAULT_MEDIA_PORT_RANGE;
    const tlsPort = data.transports.find((t) => t.transport === 'tls')?.port;
    return [judgeTurnPorts(data, interpretTurnPorts(data, { tcpExpected, mediaRange, ...(tlsPort ? { tlsPort } : {}) }))];
  },
});
