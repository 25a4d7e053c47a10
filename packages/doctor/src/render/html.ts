import type { Finding, Report, Status } from '@cms-doctor/core';
import { fixPlan } from './fix-plan.js';
import { transportWarnings } from './clear-text.js';

/**
 * `--format html` (issue 16): one self-contained page (inline CSS and SVG, no script, nothing
 * fetched) with the deployment drawn as the source document draws it, each hop coloured by its
 * worst finding AND labelled with a text status, linked to its findings; then the problems with
 * evidence and fixes, the passing checks folded. Every string from outside is HTML-escaped.
 */

export type HopId = 'guest' | 'dns-external' | 'edge' | 'expressway-c' | 'dns-internal' | 'webbridge' | 'callbridge' | 'turn';

export interface Hop {
  id: HopId;
  name: string;
}

export const HOPS: readonly Hop[] = [
  { id: 'guest', name: 'Guest browser' },
  { id: 'dns-external', name: 'External DNS' },
  { id: 'edge', name: 'Expressway-E' },
  { id: 'turn', name: 'TURN relay' },
  { id: 'expressway-c', name: 'Expressway-C' },
  { id: 'dns-internal', name: 'Internal DNS' },
  { id: 'webbridge', name: 'CMS web bridge' },
  { id: 'callbridge', name: 'CMS call bridge' },
];

/** What a hop shows; `none` = nothing decided there (no evidence, no pass). */
export type HopStatus = 'fail' | 'error' | 'warn' | 'pass' | 'none';

export const HOP_LABEL: Record<HopStatus, string> = {
  fail: 'FAIL',
  error: 'UNDECIDED',
  warn: 'WARNING',
  pass: 'OK',
  none: 'NOT CHECKED',
};

/** Status colours, each at least 4.5:1 against white (test/report/html.test.ts computes it). */
export const HOP_COLOR: Record<HopStatus, string> = {
  fail: '#b00020',
  error: '#6a1b9a',
  warn: '#8a4b00',
  pass: '#1b5e20',
  none: '#4d4d4d',
};

const RANK: Record<Status, number> = { fail: 5, error: 4, warn: 3, pass: 2, info: 1, skip: 0 };

/** The hop of the document's picture a finding belongs to, from its check id and code area. */
export function hopOf(f: Finding): HopId | undefined {
  const area = f.code.split('/')[0] ?? '';
  const id = f.check;
  if (id.startsWith('cms.turn') || area === 'turn' || id === 'expressway.turn-ports' || area === 'media') return 'turn';
  if (id === 'expressway.web-proxy' || area === 'guest' || area === 'browser') return 'guest';
  if (area === 'dns' || id.startsWith('dns.')) {
    const external = /external/i.test(f.subject ?? '') || f.evidence.some((e) => e.view === 'external');
    return external ? 'dns-external' : 'dns-internal';
  }
  if (/expressway-c|traversal|zone/i.test(`${id} ${f.code}`)) return 'expressway-c';
  if (id === 'cert.edge' || area === 'expressway' || id.startsWith('expressway.')) return 'edge';
  if (area === 'webbridge' || id.startsWith('webbridge.') || id.startsWith('cert.webbridge') || id === 'cms.webbridge-status')
    return 'webbridge';
  if (area === 'cms' || id.startsWith('cms.') || area === 'xmpp') return 'callbridge';
  return undefined;
}

/** The worst status among a hop's findings; only positive evidence makes it OK. */
export function hopStatus(findings: readonly Finding[]): HopStatus {
  let worst: Status | undefined;
  for (const f of findings) if (!worst || RANK[f.status] > RANK[worst]) worst = f.status;
  if (!worst || worst === 'info' || worst === 'skip') return 'none';
  return worst as HopStatus;
}

export const escapeHtml = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const esc = escapeHtml;

const CSS = `
:root{color-scheme:light;--fail:${HOP_COLOR.fail};--error:${HOP_COLOR.error};--warn:${HOP_COLOR.warn};--pass:${HOP_COLOR.pass};--none:${HOP_COLOR.none}}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a1a;background:#fff;margin:0 auto;max-width:70rem;padding:1rem 1.5rem}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin-top:1.6rem;border-bottom:1px solid #ccc}h3{font-size:1.05rem;margin:1.1rem 0 .3rem}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}pre{background:#f4f4f4;padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-word}
.summary>span{display:inline-block;margin-right:1rem}.status{font-weight:700}
.s-fail{color:var(--fail)}.s-error{color:var(--error)}.s-warn{color:var(--warn)}.s-pass{color:var(--pass)}.s-none,.s-info,.s-skip{color:var(--none)}
.finding{border-left:4px solid var(--none);padding:.1rem .8rem;margin:.8rem 0}.finding.s-fail{border-color:var(--fail)}.finding.s-error{border-color:var(--error)}.finding.s-warn{border-color:var(--warn)}
.finding *{color:#1a1a1a}.finding .status{color:inherit}
.warning{border:2px solid var(--fail);padding:.4rem .8rem;font-weight:700}
svg{max-width:100%;height:auto}svg a:focus rect{stroke-width:5}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
@media print{body{max-width:none;padding:0;font-size:11pt}details::details-content{content-visibility:visible;display:block}summary{list-style:none}a{color:inherit;text-decoration:none}.finding,figure{break-inside:avoid}pre{white-space:pre-wrap}}
`;

interface Box {
  hop: HopId;
  x: number;
  y: number;
  sub?: string;
}

/** The document's picture: guest left, edge in the DMZ, Expressway-C and CMS inside, TURN under the edge. */
function diagram(report: Report, byHop: ReadonlyMap<HopId, Finding[]>): string {
  const t = report.target;
  const boxes: Box[] = [
    { hop: 'guest', x: 10, y: 120 },
    { hop: 'dns-external', x: 10, y: 10, ...(t.externalDns ? { sub: String(t.externalDns) } : {}) },
    {
      hop: 'edge',
      x: 230,
      y: 120,
      ...(t.edgeNatAddress ? { sub: `NAT ${String(t.edgeNatAddress)}` } : t.edge ? { sub: String(t.edge) } : {}),
    },
    { hop: 'turn', x: 230, y: 240, ...(t.turn ? { sub: String(t.turn) } : {}) },
    { hop: 'expressway-c', x: 450, y: 120 },
    { hop: 'dns-internal', x: 450, y: 10, ...(t.internalDns ? { sub: String(t.internalDns) } : {}) },
    { hop: 'webbridge', x: 670, y: 120, ...(t.webbridge ? { sub: String(t.webbridge) } : {}) },
    { hop: 'callbridge', x: 670, y: 240, ...(t.cmsAddress ? { sub: String(t.cmsAddress) } : {}) },
  ];
  const W = 190;
  const H = 84;
  const at = new Map(boxes.map((b) => [b.hop, b]));
  const mid = (h: HopId): [number, number] => {
    const b = at.get(h)!;
    return [b.x + W / 2, b.y + H / 2];
  };
  const line = (a: HopId, b: HopId, dashed = false): string => {
    const [x1, y1] = mid(a);
    const [x2, y2] = mid(b);
    return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#555" stroke-width="2"${dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
  };
  const links = [
    line('guest', 'dns-external'),
    line('guest', 'edge'),
    line('edge', 'expressway-c'),
    line('expressway-c', 'dns-internal'),
    line('expressway-c', 'webbridge'),
    line('webbridge', 'callbridge'),
    line('guest', 'turn', true),
    line('turn', 'callbridge', true),
  ].join('');
  const name = new Map(HOPS.map((h) => [h.id, h.name]));
  const shapes = boxes
    .map((b) => {
      const st = hopStatus(byHop.get(b.hop) ?? []);
      const label = `${name.get(b.hop)!}: ${HOP_LABEL[st]}`;
      return (
        `<a href="#hop-${b.hop}" aria-label="${esc(label)}" data-hop="${b.hop}" data-status="${st}">` +
        `<rect x="${b.x}" y="${b.y}" width="${W}" height="${H}" rx="8" fill="#fff" stroke="${HOP_COLOR[st]}" stroke-width="3"/>` +
        `<text x="${b.x + 10}" y="${b.y + 24}" font-size="15" font-weight="700" fill="#1a1a1a">${esc(name.get(b.hop))}</text>` +
        `<text x="${b.x + 10}" y="${b.y + 46}" font-size="14" font-weight="700" fill="${HOP_COLOR[st]}" class="hop-status">${HOP_LABEL[st]}</text>` +
        (b.sub ? `<text x="${b.x + 10}" y="${b.y + 68}" font-size="12" fill="#333">${esc(b.sub.slice(0, 28))}</text>` : '') +
        `</a>`
      );
    })
    .join('');
  const zone = (x: number, w: number, label: string): string =>
    `<rect x="${x}" y="2" width="${w}" height="336" fill="none" stroke="#bbb" stroke-dasharray="3 3"/><text x="${x + 6}" y="334" font-size="12" fill="#4d4d4d">${label}</text>`;
  return (
    `<figure><svg role="img" aria-labelledby="diagram-title" viewBox="0 0 870 340" xmlns="http://www.w3.org/2000/svg" font-family="system-ui,sans-serif">` +
    `<title id="diagram-title">The deployment as the document draws it, each hop with its status</title>` +
    zone(0, 215, 'Internet') +
    zone(220, 215, 'DMZ') +
    zone(440, 430, 'Internal network') +
    links +
    shapes +
    `</svg><figcaption>Solid lines: the web path (DNS, edge, Expressway-C, web bridge). Dashed: the media path through the TURN relay. Each box says its status in words; select it for its findings.</figcaption></figure>`
  );
}

function findingHtml(f: Finding, idx: number, report: Report): string {
  const out = [
    `<div class="finding s-${f.status}" id="f-${idx}" data-code="${esc(f.code)}" data-status="${f.status}">`,
    `<h3><span class="status s-${f.status}">${esc(f.status.toUpperCase())}</span> ${esc(f.title)}</h3>`,
    `<p><code>${esc(f.code)}</code> · check <code>${esc(f.check)}</code> · ${esc(f.source)}, basis ${esc(f.basis)}${f.subject ? ` · <code>${esc(f.subject)}</code>` : ''}</p>`,
  ];
  if (f.detail) out.push(`<p>${esc(f.detail)}</p>`);
  if (f.needs.length) out.push(`<p>Needs: ${f.needs.map((n) => `<code>${esc(n)}</code>`).join(', ')}</p>`);
  if (f.evidence.length)
    out.push(`<details><summary>Evidence (${f.evidence.length})</summary><pre>${esc(JSON.stringify(f.evidence, null, 2))}</pre></details>`);
  for (const id of f.fixes) {
    const fix = report.fixes[id];
    if (!fix) continue;
    out.push(
      `<p><strong>Fix <code>${esc(id)}</code>: ${esc(fix.title)}</strong></p><ol>${fix.steps.map((s) => `<li>${esc(s)}</li>`).join('')}</ol>` +
        (fix.reference ? `<p><small>Reference: ${esc(fix.reference)}</small></p>` : ''),
    );
  }
  out.push('</div>');
  return out.join('\n');
}

export function renderHtml(report: Report): string {
  const title = `cms-doctor report: ${String(report.target.external ?? report.mode)}`;
  const indexed = report.findings.map((f, i) => ({ f, i }));
  const byHop = new Map<HopId, Finding[]>();
  for (const f of report.findings) {
    const h = hopOf(f);
    if (h) byHop.set(h, [...(byHop.get(h) ?? []), f]);
  }
  const isProblem = (f: Finding): boolean => f.status === 'fail' || f.status === 'warn' || f.status === 'error';
  const problems = indexed.filter(({ f }) => isProblem(f)).sort((a, b) => RANK[b.f.status] - RANK[a.f.status]);
  const others = indexed.filter(({ f }) => !isProblem(f));
  const s = report.summary;
  const plan = fixPlan(report);
  const body: string[] = [
    `<h1>${esc(title)}</h1>`,
    `<p>${esc(report.mode)} run, ${esc(report.startedAt)}, ${esc(report.durationMs)} ms, cms-doctor ${esc(report.tool.version)}</p>`,
    ...transportWarnings(report.target).map((w) => `<p class="warning">${esc(w)}</p>`),
    `<p class="summary">${(['fail', 'error', 'warn', 'pass', 'info', 'skip'] as const).map((k) => `<span class="s-${k}"><span class="status">${k === 'error' ? 'undecided' : k}</span>: ${s[k]}</span>`).join('')}</p>`,
    '<h2 id="deployment">Deployment</h2>',
    diagram(report, byHop),
    '<h2 id="hops">Hops</h2>',
    ...HOPS.map((h) => {
      const fs = indexed.filter(({ f }) => hopOf(f) === h.id);
      const st = hopStatus(fs.map((x) => x.f));
      return (
        `<h3 id="hop-${h.id}">${esc(h.name)}: <span class="status s-${st}">${HOP_LABEL[st]}</span></h3>` +
        (fs.length
          ? `<ul>${fs.map(({ f, i }) => `<li><a href="#f-${i}"><span class="status s-${f.status}">${esc(f.status.toUpperCase())}</span> ${esc(f.title)}</a></li>`).join('')}</ul>`
          : '<p>No check decided anything here.</p>')
      );
    }),
  ];
  if (plan.length)
    body.push(
      '<h2 id="plan">What to do, in order</h2>',
      `<ol>${plan.map((p) => `<li><code>${esc(p.id)}</code>: ${esc(p.title)} (${p.codes.map((c) => `<code>${esc(c)}</code>`).join(', ')})</li>`).join('')}</ol>`,
    );
  body.push('<h2 id="problems">Problems</h2>');
  body.push(problems.length ? problems.map(({ f, i }) => findingHtml(f, i, report)).join('\n') : '<p>No problem found.</p>');
  body.push(
    '<h2 id="other">Passing and other checks</h2>',
    `<details><summary>${others.length} finding(s): passed, informational or skipped</summary>`,
    others.map(({ f, i }) => findingHtml(f, i, report)).join('\n'),
    '</details>',
  );
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // No network: nothing this page names is ever fetched.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${esc(title)}</title><style>${CSS}</style></head>`,
    `<body><main>${body.join('\n')}</main></body></html>`,
    '',
  ].join('\n');
}
