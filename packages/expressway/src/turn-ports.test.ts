import { describe, expect, it } from 'vitest';
import { interpretTurnPorts, judgeTurnPorts } from './turn-ports.js';
import type { TurnReachabilityData } from '@cms-doctor/core';

const opts = { tcpExpected: false, mediaRange: [24000, 29999] as const };
const data = (udp: boolean, tcp: boolean, tls: boolean, relayPort?: number): TurnReachabilityData => ({
  server: '127.88.246.156:3478',
  transports: [
    { transport: 'udp', port: 3478, answered: udp },
    { transport: 'tcp', port: 3478, answered: tcp },
    { transport: 'tls', port: 443, answered: tls },
  ],
  ...(relayPort ? { relayed: { address: '127.88.246.156', port: relayPort } } : {}),
});

describe('expressway.turn-ports', () => {
  it('passes when UDP 3478 answers and TCP is not required', () => {
    const d = data(true, false, false, 24010);
    expect(judgeTurnPorts(d, interpretTurnPorts(d, opts)).status).toBe('pass');
  });
  it('explains (info, no second fail) when UDP 3478 is silent', () => {
    const d = data(false, true, false);
    const f = judgeTurnPorts(d, interpretTurnPorts(d, opts));
    expect([f.status, f.code]).toEqual(['info', 'expressway/turn-ports']);
    expect(f.title).toMatch(/UDP 3478/);
  });
  it('requires TCP 3478 when CMS overrides the TCP port, and notes TURN on 443', () => {
    const d = data(true, false, true);
    const f = judgeTurnPorts(d, interpretTurnPorts(d, { ...opts, tcpExpected: true }));
    expect(f.status).toBe('info');
    expect(f.detail).toMatch(/TCP 443 TURN/);
  });
  it('no evidence, no pass: a required port not measured (no allocation for the media range) is info, not pass', () => {
    const d = data(true, false, false);
    const f = judgeTurnPorts(d, interpretTurnPorts(d, opts));
    expect(f.status).toBe('info');
    expect(f.title).toMatch(/not all measured: UDP 24000-29999/);
  });
  it('the TLS row names the port that was probed, and is never required by itself', () => {
    const d = { ...data(true, false, false, 24010), transports: [{ transport: 'tls' as const, port: 8443, answered: false }] };
    const v = interpretTurnPorts(d, { ...opts, tlsPort: 8443 }).find((p) => p.transport === 'tls');
    expect(v).toMatchObject({ port: '8443', required: false, measured: 'no answer' });
  });
  it('reports where the relayed port fell', () => {
    const d = data(true, true, true, 50000);
    const v = interpretTurnPorts(d, opts).find((p) => p.port.includes('-'));
    expect(v?.measured).toBe('relay port outside');
  });
});
