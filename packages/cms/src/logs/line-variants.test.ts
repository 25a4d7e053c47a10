import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventLogRecogniser, syslogRecogniser } from '../recognisers.js';
import { isEventLogLine, parseLogLine } from './line.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../../fixtures/cms/logs/${name}`, import.meta.url), 'utf8');
const firstLine = (name: string): string => fixture(name).split(/\r?\n/)[0]!;

describe('CMS log line variants (real samples)', () => {
  it('RFC 3164 with PRI, without milliseconds, with milliseconds, and ISO timestamps', () => {
    expect(parseLogLine(firstLine('cms-syslog-rfc3164_splunk-sc4s-test.txt'))).toMatchObject({
      format: 'syslog',
      timestamp: 'Jan 16 04:25:44',
      host: 'cms20',
      program: 'authp',
    });
    expect(parseLogLine(fixture('cms-syslog-apitrace_tac212298_tms_as-rendered.txt').split('\n')[1]!)).toMatchObject({
      timestamp: 'Jul 26 14:08:23',
      program: 'host:server',
      level: 'INFO',
    });
    expect(parseLogLine(firstLine('cms-core-syslog_tac221729_webrtc-join.txt'))).toMatchObject({ timestamp: 'Feb 23 09:02:21.594' });
    expect(parseLogLine(firstLine('cms-syslog-iso_tac221776.txt'))).toMatchObject({ timestamp: '2024-03-05T16:50:25.736', host: 'cms01' });
  });

  it('Line NNN: prefixes (TAC 217246), mail quoting and a BOM are read past', () => {
    expect(parseLogLine(firstLine('cms-syslog_tac217246_as-rendered.txt'))).toMatchObject({ format: 'syslog', host: 'cms1' });
    const iso = firstLine('cms-syslog-iso_tac221776.txt');
    for (const v of [`> ${iso}`, `> > ${iso}`, `\ufeff${iso}\r`, `> Line 12: ${iso}`]) expect(parseLogLine(v)).toEqual(parseLogLine(iso));
  });

  it('a line forwarded through a collector that put its own header first (real line, collector header prepended)', () => {
    const real = firstLine('cms-syslog-rfc3164_splunk-sc4s-test.txt').replace(/^<\d+>/, '');
    const forwarded = `<13>Jan 16 04:25:45 collector01 ${real}`;
    expect(parseLogLine(forwarded)).toMatchObject({ format: 'syslog', host: 'cms20', program: 'authp', timestamp: 'Jan 16 04:25:44' });
    expect(syslogRecogniser.recognise(Buffer.from(`${forwarded}\n`), 'x')).toBe(true);
  });

  it('the web admin event log, tab or space separated, quoted when pasted', () => {
    const text = fixture('cms-webadmin-eventlog_tac221776.txt');
    const quoted = text
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\n');
    expect(eventLogRecogniser.recognise(Buffer.from(quoted), 'x')).toBe(true);
    const tab = firstLine('cms-webadmin-eventlog_tac210800.txt');
    expect(isEventLogLine(`> ${tab}`)).toBe(true);
    expect(parseLogLine(`> ${tab}`)).toMatchObject({ format: 'event-log', level: 'Warning', timestamp: '2017-04-15 10:34:56.536' });
  });
});

describe('CMS log line reader (fuzz)', () => {
  const real = [
    firstLine('cms-syslog-iso_tac221776.txt'),
    firstLine('cms-core-syslog_tac221729_webrtc-join.txt'),
    firstLine('cms-webadmin-eventlog_tac210800.txt'),
  ];
  it('never throws; prefixes people add never change the reading of a real line', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        parseLogLine(s);
        isEventLogLine(s);
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...real), fc.constantFrom('', '> ', '> > ', 'Line 7: ', '\ufeff'), (line, prefix) => {
        expect(parseLogLine(`${prefix}${line}`)).toEqual(parseLogLine(line));
      }),
    );
  });
});

describe('CMS log fragments without timestamps, recognised by documented signatures', () => {
  it('TAC 215662: the web bridge statistics line at 149 sessions is the session limit', async () => {
    const { syslogRecogniser: rec } = await import('../recognisers.js');
    const { SIGNATURES } = await import('./signatures.js');
    const text = fixture('cms-webbridge-stats-149_tac215662_fragment.txt');
    expect(rec.recognise(Buffer.from(text), 'x')).toBe(true);
    const sig = SIGNATURES.find((s) => s.id === 'webbridge-session-limit')!;
    expect(sig.pattern.exec(text)?.groups?.['sessions']).toBe('149');
    expect(sig.pattern.test('"webbridge": INFO : [DEBUGGING] Stats 12, c:40, d:28')).toBe(false);
    expect(sig.source).toMatch(/215662/);
  });

  it('a TAC 210800 event log line without its date and time is still CMS', async () => {
    const { syslogRecogniser: rec } = await import('../recognisers.js');
    const line = firstLine('cms-webadmin-eventlog_tac210800.txt').split('\t').slice(3).join('\t');
    expect(line).toMatch(/^call 7: ICE failure 4/);
    expect(rec.recognise(Buffer.from(`${line}\n`), 'x')).toBe(true);
    expect(rec.recognise(Buffer.from('the licence of this library expired\n'), 'x')).toBe(false);
  });
});

describe('fragment recognition leaves the other CMS kinds alone', () => {
  it('the TAC 210800 event log stays an event log although its lines carry documented signatures', async () => {
    const { eventLogRecogniser: ev, syslogRecogniser: sys } = await import('../recognisers.js');
    const text = Buffer.from(fixture('cms-webadmin-eventlog_tac210800.txt'));
    expect(sys.recognise(text, 'x')).toBe(false);
    expect(ev.recognise(text, 'x')).toBe(true);
  });
});
