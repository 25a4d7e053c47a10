// Wrong-password verdict time after the challenge, and how fast an unreachable UDP port is decided,
// against the RFC 5389 default of 39.5 s (Rc=7, Rm=16, RTO 500 ms). Needs `npx tsc -b packages/turn packages/lab`.
import dgram from 'node:dgram';
import { probeAllocate, retransmitSchedule } from '../../packages/turn/dist/index.js';
import { startTurnEmulator } from '../../packages/lab/dist/turn-emulator/index.js';

const emu = await startTurnEmulator({ host: '127.0.0.1', realm: 'TANDBERG', users: { turnuser: 'cisco' }, relayHost: '127.0.0.1' });
const runs = 50;
const afterChallenge = [];
const roundTrips = [];
let extraRequests = 0;
for (let i = 0; i < runs; i++) {
  const r = await probeAllocate({ host: '127.0.0.1', port: emu.udpPort, transport: 'udp', username: 'turnuser', password: 'wrong' });
  if (r.code !== 431) throw new Error(`expected 431, got ${r.code}`);
  const [challenge, authed, ...rest] = r.transactions;
  extraRequests += rest.length;
  afterChallenge.push(authed.startedMs + authed.rttMs - (challenge.startedMs + challenge.rttMs));
  roundTrips.push(challenge.rttMs);
}
await emu.close();
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

const silent = dgram.createSocket('udp4');
await new Promise((r) => silent.bind(0, '127.0.0.1', r));
const deadlineMs = 3000;
const t0 = performance.now();
const u = await probeAllocate({
  host: '127.0.0.1',
  port: silent.address().port,
  transport: 'udp',
  deadline: Date.now() + deadlineMs,
  answerTimeoutMs: deadlineMs,
});
const unreachableMs = performance.now() - t0;
silent.close();
const rfcMs = retransmitSchedule().giveUpAt;
console.log(
  JSON.stringify({
    bench: 'turn-verdict',
    ratio: Math.round((rfcMs / unreachableMs) * 10) / 10,
    wrongPasswordMsAfterChallenge: Math.round(median(afterChallenge) * 10) / 10,
    roundTripMs: median(roundTrips),
    requestsAfterRejection: extraRequests,
    unreachableDecidedMs: Math.round(unreachableMs),
    unreachableOutcome: u.outcome,
    transmissions: u.transactions[0]?.transmissions,
    deadlineMs,
    rfc5389GiveUpMs: rfcMs,
  }),
);
