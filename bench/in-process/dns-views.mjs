// Benchmark: a full DNS check (every view x every question, concurrently) against the
// sum of the same queries made one after another. Resolvers get injected latency.
// Run after `npx tsc -b packages/dns packages/lab`. Prints one JSON line.
import { queryViews, lookup } from '../../packages/dns/dist/index.js';
import { startLabDns } from '../../packages/lab/dist/dns-server/index.js';

const NAME = 'cmsweb.octavio.com';
const LATENCY = { internal: 20, external: 40 }; // ms added before each answer
const ROUNDS = 5;

const records = (addr) => [
  { name: NAME, type: 'A', value: addr },
  { name: 'xmpp.cms.octavio.local', type: 'A', value: addr },
  { name: '_xmpp-client._tcp.cms.octavio.local', type: 'SRV', priority: 10, weight: 10, port: 5222, target: 'xmpp.cms.octavio.local' },
  { name: '_xmpp-server._tcp.cms.octavio.local', type: 'SRV', priority: 10, weight: 10, port: 5269, target: 'xmpp.cms.octavio.local' },
  { name: '_collab-edge._tls.octavio.com', type: 'SRV', priority: 10, weight: 10, port: 8443, target: 'xmpp.cms.octavio.local' },
];
const questions = [
  { name: NAME, type: 'A' },
  { name: NAME, type: 'AAAA' },
  { name: NAME, type: 'CNAME' },
  { name: '_xmpp-client._tcp.cms.octavio.local', type: 'SRV' },
  { name: '_xmpp-server._tcp.cms.octavio.local', type: 'SRV' },
  { name: '_cms-web._tls.cmsweb.octavio.com', type: 'SRV' },
  { name: '_collab-edge._tls.octavio.com', type: 'SRV' },
  { name: '_cisco-uds._tcp.octavio.com', type: 'SRV' },
];

const [internal, external] = await Promise.all([
  startLabDns({ host: '127.0.0.81', records: records('127.0.1.80'), delayMs: LATENCY.internal }),
  startLabDns({ host: '127.0.0.82', records: records('127.0.2.156'), delayMs: LATENCY.external }),
]);
const views = [
  { name: 'internal', server: { host: internal.host, port: internal.port } },
  { name: 'external', server: { host: external.host, port: external.port } },
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const concurrent = [];
const sequential = [];
try {
  await queryViews(views, questions); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    let t = performance.now();
    await queryViews(views, questions);
    concurrent.push(performance.now() - t);
    t = performance.now();
    for (const v of views) for (const q of questions) await lookup(v.server, q.name, q.type);
    sequential.push(performance.now() - t);
  }
} finally {
  await Promise.all([internal.close(), external.close()]);
}
const c = median(concurrent);
const s = median(sequential);
console.log(
  JSON.stringify({
    bench: 'dns-views',
    ratio: Number((c / s).toFixed(3)),
    concurrentMs: Number(c.toFixed(1)),
    sequentialMs: Number(s.toFixed(1)),
    queries: views.length * questions.length,
    slowestResolverMs: Math.max(LATENCY.internal, LATENCY.external),
    rounds: ROUNDS,
  }),
);
