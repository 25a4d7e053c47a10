import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { parseDig } from './dig-parse.js';
import { parseZone } from './zone-parse.js';
import { looksLikeDig, looksLikeZone, digRecogniser, zoneRecogniser } from './recognisers.js';
import { parseServer, formatServer } from './server-address.js';
import { firstNameserver } from './system-resolver.js';

const FIX = new URL('../../../fixtures/dns/', import.meta.url).pathname;
// The real files, copied with their provenance into fixtures/dns/realdata (fixtures/dns/README.md).
const REAL = `${FIX}realdata`;
const read = (p: string): string => readFileSync(p, 'utf8');
const bytes = (p: string): Uint8Array => new Uint8Array(readFileSync(p));
const realFiles = (): string[] =>
  readdirSync(REAL, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => `${d.parentPath}/${d.name}`);

describe('every real DNS file', () => {
  it.each(realFiles())('%s parses without throwing and is recognised by content', (path) => {
    const text = read(path);
    expect(() => parseDig(text)).not.toThrow();
    expect(() => parseZone(text)).not.toThrow();
    const head = bytes(path);
    const dig = digRecogniser.recognise(head, 'x');
    const zone = zoneRecogniser.recognise(head, 'x');
    if (path.includes('jc-dig')) {
      expect(dig).toBe(true);
      expect(parseDig(text).errors).toEqual([]);
    } else if (path.endsWith('.db')) {
      expect([dig, zone]).toEqual([false, true]);
      expect(parseZone(text).errors).toEqual([]);
    } else {
      expect([dig, zone]).toEqual([false, false]); // named.conf is neither
    }
  });
});

describe('parseDig on real output', () => {
  it('reads two queries of one run, the CNAME chain and the SERVER line', () => {
    const r = parseDig(read(`${REAL}/jc-dig-fixtures/centos-7.7_dig.out`));
    expect(r.queries).toHaveLength(2);
    const [cnn, google] = r.queries;
    expect(cnn).toMatchObject({
      status: 'NOERROR',
      id: 44295,
      flags: ['qr', 'rd', 'ra'],
      question: { name: 'www.cnn.com', type: 'A' },
      server: { host: '192.168.71.2', port: 53 },
      queryTimeMs: 25,
      command: 'www.cnn.com www.google.com',
    });
    expect(cnn?.answer.map((a) => `${a.type} ${a.data}`)).toEqual(['CNAME turner-tls.map.fastly.net', 'A 151.101.189.67']);
    expect(google?.answer[0]).toEqual({ name: 'www.google.com', type: 'A', ttl: 5, data: '216.58.194.100' });
  });

  it('reads AXFR output with its SRV record', () => {
    const r = parseDig(read(`${REAL}/jc-dig-fixtures/centos-7.7_dig-axfr.out`));
    expect(r.queries).toHaveLength(1);
    expect(r.queries[0]?.answer.find((a) => a.type === 'SRV')).toEqual({
      name: '_sip._tcp.zonetransfer.me',
      type: 'SRV',
      ttl: 14000,
      data: '0 0 5060 www.zonetransfer.me',
      srv: { priority: 0, weight: 0, port: 5060, target: 'www.zonetransfer.me' },
    });
    expect(r.queries[0]?.answer.length).toBe(50);
  });

  it('reads NXDOMAIN with AUTHORITY before ANSWER and space alignment', () => {
    const q = parseDig(read(`${REAL}/jc-dig-fixtures/generic_dig-answer-spaces.out`)).queries[0];
    expect(q?.status).toBe('NXDOMAIN');
    expect(q?.authority[0]?.type).toBe('SOA');
    expect(q?.answer[0]?.type).toBe('TXT');
  });

  it('reads ADDITIONAL, -x and +noall +answer', () => {
    expect(parseDig(read(`${REAL}/jc-dig-fixtures/generic_dig-additional.out`)).queries[0]?.additional).toHaveLength(8);
    expect(parseDig(read(`${REAL}/jc-dig-fixtures/centos-7.7_dig-x.out`)).queries[0]?.answer[0]?.data).toBe('one.one.one.one');
    const short = parseDig(read(`${REAL}/jc-dig-fixtures/osx-10.14.6_dig-noall-answer.out`));
    expect(short.queries[0]?.answer.map((a) => a.data)).toEqual(['151.101.65.67', '151.101.193.67', '151.101.129.67', '151.101.1.67']);
    expect(short.queries[0]?.server).toBeUndefined();
  });

  it('reads a timeout and the BIND 9.18 "(UDP)" SERVER suffix', () => {
    expect(parseDig(read(`${FIX}/document/dig-timeout.txt`)).queries[0]?.error).toMatch(/timed out/);
    expect(parseDig(read(`${FIX}/document/dig-internal.txt`)).queries[0]).toMatchObject({
      server: { host: '172.16.85.162', port: 53 },
      flags: ['qr', 'aa', 'rd', 'ra'],
    });
  });
});

describe('parseZone', () => {
  it('reads the BIND views test zones: $ORIGIN switches, blank owners, multi-line SOA', () => {
    const internal = parseZone(read(`${REAL}/bind9-views-test/internal.db`));
    expect(internal.origin).toBe('example');
    expect(internal.records.filter((r) => r.name === 'a.example').map((r) => `${r.type} ${r.data}`)).toEqual([
      'A 10.1.0.1',
      'MX 10 intmail.example',
    ]);
    const soa = internal.records.find((r) => r.type === 'SOA');
    expect(soa).toMatchObject({ ttl: 300, line: 20 });
  });

  it('reads the document zone, relative SRV targets and TTL units', () => {
    const z = parseZone(read(`${FIX}/document/internal-cms.octavio.local.zone`));
    expect(z.errors).toEqual([]);
    expect(z.records.find((r) => r.name === '_xmpp-server._tcp.cms.octavio.local')?.srv).toEqual({
      priority: 10,
      weight: 10,
      port: 5209,
      target: 'xmpp.cms.octavio.local',
    });
    const units = parseZone('$ORIGIN ex.\n$TTL 1h30m\nwww A 192.0.2.1\n@ 1d IN CNAME www\n');
    expect(units.records.map((r) => [r.name, r.ttl, r.data])).toEqual([
      ['www.ex', 5400, '192.0.2.1'],
      ['ex', 86400, 'www.ex'],
    ]);
  });

  it('returns errors with line numbers and keeps going', () => {
    const z = parseZone('$ORIGIN ex.\nwww A 999.1.1.1\nok A 192.0.2.1\n$INCLUDE other\n');
    expect(z.errors.map((e) => e.line)).toEqual([2, 4]);
    expect(z.records.map((r) => r.name)).toEqual(['ok.ex']);
  });
});

describe('server addresses', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1:53'],
    ['127.0.0.2:5353', '127.0.0.2:5353'],
    ['::1', '[::1]:53'],
    ['[::1]:5300', '[::1]:5300'],
    ['10.0.0.1#53', '10.0.0.1:53'],
    ['2001:db8::1#5353', '[2001:db8::1]:5353'],
  ])('%s -> %s', (input, out) => expect(formatServer(parseServer(input))).toBe(out));
  it.each(['dns.example', '1.2.3.4:0', '1.2.3.4:70000', '', '[::1'])('refuses %s', (bad) =>
    expect(() => parseServer(bad)).toThrow(/resolver/),
  );
  it('reads the first usable nameserver of resolv.conf', () => {
    expect(firstNameserver('# c\nsearch x\nnameserver fe80::1%eth0\nnameserver 10.255.255.53\nnameserver 8.8.8.8\n')).toEqual({
      host: '10.255.255.53',
      port: 53,
    });
    expect(firstNameserver('')).toBeUndefined();
  });
});

// Fuzzing: the parsers must never throw, whatever the input; printed records must read back.
const FUZZ_RUNS = 3000;
const label = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/);
const fqdn = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
const record = fc.oneof(
  fc.record({ name: fqdn, ttl: fc.nat(2 ** 31 - 1), type: fc.constant('A'), data: fc.ipV4() }),
  fc.record({ name: fqdn, ttl: fc.nat(2 ** 31 - 1), type: fc.constant('CNAME'), data: fqdn }),
  fc.record({
    name: fqdn,
    ttl: fc.nat(2 ** 31 - 1),
    type: fc.constant('SRV'),
    data: fc.tuple(fc.nat(65535), fc.nat(65535), fc.nat(65535), fqdn).map(([p, w, port, t]) => `${p} ${w} ${port} ${t}`),
  }),
);

describe('fuzz (fast-check)', () => {
  it(`parseDig and parseZone never throw on arbitrary text (${FUZZ_RUNS} runs each)`, () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        parseDig(s);
        parseZone(s);
        looksLikeDig(new TextEncoder().encode(s));
        looksLikeZone(new TextEncoder().encode(s));
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it(`never throw on dig-like and zone-like line soup (${FUZZ_RUNS} runs)`, () => {
    const piece = fc.constantFrom(
      ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1',
      ';; ANSWER SECTION:',
      ';; SERVER: ::1#53(::1)',
      ';; SERVER: 1.2.3.4#99999(x)',
      ';x. IN',
      '$ORIGIN',
      '$TTL x',
      '$ORIGIN a.',
      '@ IN SOA a b (',
      ')',
      '(',
      '"unterminated',
      'a 1 IN SRV 1 2',
      'x. 5 IN A 1.2.3.4',
      ' IN A ::1',
      '\t\t',
      ';; Got answer:',
      'a b c d e f',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 30 })), { maxLength: 30 }), (lines) => {
        const text = lines.join('\n');
        parseDig(text);
        parseZone(text);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it(`round-trips records printed in dig's +noall +answer form (${FUZZ_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 8 }), (recs) => {
        const text = recs
          .map((r) => `${r.name}.\t${r.ttl}\tIN\t${r.type}\t${r.type === 'A' ? r.data : r.type === 'CNAME' ? `${r.data}.` : `${r.data}.`}`)
          .join('\n');
        const parsed = parseDig(text);
        expect(parsed.errors).toEqual([]);
        expect(parsed.queries[0]?.answer.map((a) => [a.name, a.ttl, a.type, a.data])).toEqual(
          recs.map((r) => [r.name, r.ttl, r.type, r.data]),
        );
        expect(looksLikeDig(new TextEncoder().encode(text))).toBe(true);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it(`round-trips records in a zone with relative names (${FUZZ_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 8 }), (recs) => {
        const text =
          `$ORIGIN zone.test.\n$TTL 60\n` + recs.map((r) => `${r.name} ${r.ttl} ${r.type} ${r.type === 'A' ? r.data : r.data}`).join('\n');
        const parsed = parseZone(text);
        expect(parsed.errors).toEqual([]);
        const rel = (d: string): string => `${d}.zone.test`;
        expect(parsed.records.map((a) => [a.name, a.data])).toEqual(
          recs.map((r) => [
            rel(r.name),
            r.type === 'A' ? r.data : r.type === 'CNAME' ? rel(r.data) : r.data.replace(/(\S+)$/, (t) => rel(t)),
          ]),
        );
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
