// Builds a large CMS syslog from the real lines in fixtures/cms/logs, for the log rows of the
// whole-process bench: lines that hold none of the scanner's literal anchors fill the file, and a
// line that holds one comes every `matchEvery` lines (1 in 1,000 for the sparse log, 1 in 3 for
// the dense one). Each line gets a new, increasing timestamp; call and request numbers count up,
// so every call is a new call (the scanner keeps per-call timelines).
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Real CMS syslog lines (syslog header included), from the fixtures that are rendered as syslog. */
const SYSLOG_FILES = [
  'cms-core-syslog_tac221729_webrtc-join.txt',
  'cms-core-syslog_tac221729_webrtc-leave.txt',
  'cms-edge-syslog_tac221729_webrtc-join.txt',
  'cms-edge-syslog_tac221729_webrtc-leave.txt',
  'cms-webbridge3-syslog_tac221573_sso.txt',
  'cms-syslog-apitrace_tac212298_tms_as-rendered.txt',
];
/** `Mon DD HH:MM:SS[.mmm] ` at the start of a syslog line. */
const STAMP = /^[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d{3})? /;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The messages (after the timestamp) of the real lines, split by whether they hold an anchor in any
 * letter case (the scanner's prefilter ignores case). Event-log fixtures (tab separated, no syslog header)
 * get the header of the syslog lines around them: the message is real, the header is not.
 */
export function loadLogLines(dir, anchors) {
  const messages = [];
  for (const name of SYSLOG_FILES) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (STAMP.test(line)) messages.push(line.replace(STAMP, ''));
    }
  }
  for (const [name, prefix] of [
    ['doc-troubleshoot4-eventlog.txt', 'user.info proxyWebRTC host:server: INFO : '],
    ['cms-webadmin-eventlog_tac210800.txt', 'user.warning cms1 host:server: WARNING : '],
  ]) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      const msg = line.split('\t').at(-1)?.trim();
      if (msg) messages.push(prefix + msg);
    }
  }
  const lower = anchors.map((a) => a.toLowerCase());
  const hit = (m) => lower.some((a) => m.toLowerCase().includes(a));
  const hits = [...new Set(messages.filter(hit))];
  const fill = [...new Set(messages.filter((m) => !hit(m)))];
  if (hits.length === 0 || fill.length === 0) throw new Error(`not enough real lines in ${dir}`);
  return { hits, fill };
}

const pad = (n, w = 2) => String(n).padStart(w, '0');
const YEAR = Date.UTC(2024, 0, 1);
let lastSecond = -1;
let secondText = '';
/** A syslog timestamp `ms` milliseconds into a year (the text up to the second is reused). */
function stamp(ms) {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    const d = new Date(YEAR + second * 1000);
    secondText = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.`;
    lastSecond = second;
  }
  return `${secondText}${pad(ms % 1000, 3)} `;
}
const NUMBERED = /(call |request )\d+(?=[: ]|$)/g;

/** Writes `file` until it holds at least `targetBytes`; returns its size, lines and anchor lines. */
export function buildLog(file, targetBytes, { hits, fill }, matchEvery) {
  const fd = openSync(file, 'w');
  try {
    let written = 0;
    let lines = 0;
    let matching = 0;
    let serial = 1_000_000;
    let fi = 0;
    let hi = 0;
    while (written < targetBytes) {
      const parts = [];
      for (let i = 0; i < 20_000; i += 1) {
        lines += 1;
        let msg;
        if (lines % matchEvery === 0) {
          msg = hits[hi++ % hits.length];
          matching += 1;
        } else msg = fill[fi++ % fill.length];
        // Every 64 lines the calls of the file move on: timelines stay short, as in a real log.
        if ((lines & 63) === 0) serial += 1;
        if (msg.includes('call ') || msg.includes('request ')) msg = msg.replace(NUMBERED, (_, word) => `${word}${serial}`);
        parts.push(stamp(lines * 7), msg, '\n');
      }
      const chunk = Buffer.from(parts.join(''), 'utf8');
      writeSync(fd, chunk);
      written += chunk.length;
    }
    fsyncSync(fd); // no background writeback competing with the measurements
    return { bytes: written, lines, matching };
  } finally {
    closeSync(fd);
  }
}
