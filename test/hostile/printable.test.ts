import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '@cms-doctor/core';
import { render } from '../../packages/doctor/src/render/index.js';
import { markdownCell, printable, printableReport } from '../../packages/doctor/src/render/printable.js';
import { renderMarkdown } from '../../packages/doctor/src/render/markdown.js';
import { runCli } from '../helpers/cli.js';
import { privateDir, removePrivateDirs } from './inputs.js';

const OSC = '\u001b]0;owned\u0007';
const CSI = '\u001b[2J\u001b[31m';
const C1 = '\u009b6n';
const BIDI = 'admin\u202egpj.exe';
// Anything a terminal would act on: ESC, BEL, CSI (C1), DEL, bidi overrides.
const RAW = /[\u001b\u0007\u009b\u007f\u202e]/;

const hostileReport = (): Report => ({
  schemaVersion: 1,
  tool: { name: 'cms-doctor', version: '0.0.0' },
  mode: 'offline',
  target: { external: `cmsweb${OSC}.example.com` },
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1,
  summary: { pass: 0, warn: 1, fail: 1, error: 0, skip: 0, info: 0 },
  checks: [],
  findings: [
    {
      check: 'turn.allocate',
      code: 'turn/unreachable',
      status: 'fail',
      source: 'live',
      basis: 'documented',
      title: `TURN REALM ${OSC}`,
      detail: `log line: guest joined${CSI}\nsecond line`,
      subject: `turn${C1}`,
      fixes: [],
      evidence: [
        { kind: 'turn-probe', realm: `realm${OSC}` },
        { kind: 'dns-answer', type: 'CNAME', data: `evil${CSI}.example.com.` },
        { kind: 'cms-api', coSpace: BIDI, uri: `a|b${CSI}` },
      ],
    },
    {
      check: 'triage.files',
      code: 'triage/unreadable-file',
      status: 'warn',
      source: 'offline',
      basis: 'documented',
      title: `Could not read x${CSI}`,
      subject: `x${OSC}|y`,
      fixes: [],
      evidence: [],
    },
  ] as unknown as Report['findings'],
  fixes: {},
  files: [{ path: `logs/${OSC}.log`, kind: 'unreadable', reason: `bad${CSI}\u007f` }],
});

describe('terminal escape injection', () => {
  it('printable writes every control visibly and keeps ordinary text, tabs and newlines', () => {
    expect(printable(`a${OSC}b`)).toBe('a\\x1b]0;owned\\x07b');
    expect(printable(CSI)).toBe('\\x1b[2J\\x1b[31m');
    expect(printable(C1)).toBe('\\x9b6n');
    expect(printable(BIDI)).toBe('admin\\u202egpj.exe');
    expect(printable('café\tok\nnext')).toBe('café\tok\nnext');
    expect(markdownCell(`a|b\nc${OSC}`)).toBe('a\\|b c\\x1b]0;owned\\x07');
  });

  it('text and Markdown reports carry no raw control from a file name, log line, TURN REALM, DNS CNAME or CMS API field', () => {
    for (const format of ['text', 'markdown'] as const) {
      const out = render(hostileReport(), format, { color: false, verbose: true });
      expect(out).not.toMatch(RAW);
      expect(out).toContain('\\x1b]0;owned\\x07');
      expect(out).toContain('\\x1b[2J');
    }
    // JSON keeps the data as it was (JSON escapes controls by its own syntax).
    expect(render(hostileReport(), 'json', { color: false })).toContain('\\u001b]0;owned\\u0007');
    expect(printableReport(hostileReport()).files?.[0]?.path).toBe('logs/\\x1b]0;owned\\x07.log');
  });

  it('Markdown table cells use the one escaping function, markdownCell, even on a raw report', () => {
    const rows = (md: string): string[] => md.split('\n').filter((l) => l.startsWith('| `logs/'));
    const raw = rows(renderMarkdown(hostileReport()));
    // A raw report (not passed through printableReport first) is still made printable in cells.
    expect(raw).toEqual(['| `logs/\\x1b]0;owned\\x07.log` | unreadable | bad\\x1b[2J\\x1b[31m\\x7f |']);
    // Already printable text is not escaped twice.
    expect(rows(renderMarkdown(printableReport(hostileReport())))).toEqual(raw);
    const withPipe = { ...hostileReport(), files: [{ path: 'logs/a|b.log', kind: 'log', reason: 'x\ny' }] } as Report;
    expect(rows(renderMarkdown(withPipe))).toEqual(['| `logs/a\\|b.log` | log | x y |']);
  });

  it('end to end: a file named with OSC and CSI sequences, triaged as text and Markdown', async () => {
    const dir = await privateDir('printable');
    const name = join(dir, `notes${OSC}${CSI}.txt`);
    await writeFile(name, `guest joined ${CSI} from ${OSC}\n`);
    for (const format of ['text', 'markdown']) {
      const r = await runCli(['triage', dir, '--format', format, '--verbose']);
      expect(r.stdout).not.toMatch(RAW);
      expect(r.stdout).toContain('notes\\x1b]0;owned\\x07');
    }
  });
});

afterAll(removePrivateDirs);
