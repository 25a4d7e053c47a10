/**
 * `--format html` rendered in headless Chromium (Debian's, never a downloaded one): the DOM has
 * every finding, every hop says its status in words, headings go in order, the status colours
 * reach 4.5:1 against white, nothing is fetched; screenshots of the healthy and of a broken
 * scenario go to docs/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab } from '@cms-doctor/lab';
import type { Report } from '@cms-doctor/core';
import { render } from '../../packages/doctor/src/render/index.js';
import { HOP_COLOR, HOPS, escapeHtml } from '../../packages/doctor/src/render/html.js';
import { runCli } from '../helpers/cli.js';
import { hasPeer } from '../helpers/peers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HAVE_CHROMIUM = hasPeer('chromium');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** WCAG 2 relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const contrast = (a: string, b: string): number => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
};

async function labReport(scenario: string): Promise<Report> {
  const dir = await mkdtemp(join(tmpdir(), `cms-doctor-html-${scenario}-`));
  const lab = await startLab({ scenario, dir });
  try {
    const r = await runCli(['run', '--config', lab.configPath, '--format', 'json']);
    return JSON.parse(r.stdout) as Report;
  } finally {
    await lab.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('html report (pure)', () => {
  it('status colours reach 4.5:1 against white', () => {
    for (const [status, color] of Object.entries(HOP_COLOR)) expect(contrast(color, '#ffffff'), status).toBeGreaterThanOrEqual(4.5);
  });
  it('escapes everything from outside', () => {
    expect(escapeHtml(`<script>"x"&'y'</script>`)).toBe('&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;');
  });
});

describe.skipIf(!HAVE_CHROMIUM)('html report in headless Chromium', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let browser: any;
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    ['healthy', 'docs/html-report-healthy.png'],
    ['turn-wrong-password', 'docs/html-report-turn-wrong-password.png'],
  ])(
    '%s: every finding in the DOM, every hop with a text status, headings in order, nothing fetched',
    async (scenario, shot) => {
      const report = await labReport(scenario);
      // A hostile string from outside must arrive as text, not markup.
      report.findings[0]!.detail = `${report.findings[0]!.detail ?? ''} <img src=x onerror=alert(1)>`;
      const html = render(report, 'html', { color: false });
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r: { url: () => string }) => {
        if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
      });
      await page.setContent(html, { waitUntil: 'load' });
      const dom = await page.evaluate(() => ({
        findings: [...document.querySelectorAll('.finding')].map((e) => `${e.getAttribute('data-code')} ${e.getAttribute('data-status')}`),
        hops: [...document.querySelectorAll('svg a[data-hop]')].map((a) => ({
          hop: a.getAttribute('data-hop'),
          status: a.querySelector('.hop-status')?.textContent ?? '',
          href: a.getAttribute('href'),
        })),
        headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map((h) => Number(h.tagName[1])),
        imgs: document.querySelectorAll('img').length,
        targets: [...document.querySelectorAll('[id]')].map((e) => e.id),
      }));
      expect(dom.findings.sort()).toEqual(report.findings.map((f) => `${f.code} ${f.status}`).sort());
      expect(dom.hops.map((h: { hop: string }) => h.hop).sort()).toEqual(HOPS.map((h) => h.id).sort());
      for (const h of dom.hops) {
        expect(h.status, h.hop).toMatch(/^(OK|FAIL|WARNING|UNDECIDED|NOT CHECKED)$/);
        expect(dom.targets).toContain(h.href.slice(1));
      }
      expect(dom.headings[0]).toBe(1);
      for (let i = 1; i < dom.headings.length; i++) expect(dom.headings[i]! - dom.headings[i - 1]!).toBeLessThanOrEqual(1);
      expect(dom.imgs).toBe(0);
      expect(requests).toEqual([]);
      if (scenario === 'turn-wrong-password') expect(dom.hops.find((h: { hop: string }) => h.hop === 'turn')?.status).toBe('FAIL');
      else expect(dom.hops.filter((h: { status: string }) => h.status === 'FAIL')).toEqual([]);
      // The docs/ screenshots are rewritten when missing or asked for (CMS_DOCTOR_SCREENSHOTS=1), so a test run leaves the tree clean.
      const target =
        process.env.CMS_DOCTOR_SCREENSHOTS === '1' || !existsSync(join(ROOT, shot))
          ? join(ROOT, shot)
          : join(tmpdir(), `cms-doctor-${scenario}.png`);
      await page.screenshot({ path: target, fullPage: false });
      expect(statSync(target).size).toBeGreaterThan(10_000);
      // Prints: the print stylesheet applies without error and yields a PDF.
      const foldedOnScreen = await page.evaluate(() => document.querySelector('details pre')?.checkVisibility() ?? false);
      expect(foldedOnScreen).toBe(false);
      await page.emulateMedia({ media: 'print' });
      // On paper the folded parts (passing checks, evidence) are shown.
      const foldedVisible = await page.evaluate(() => {
        const pre = document.querySelector('details pre');
        return pre ? pre.checkVisibility() : true;
      });
      expect(foldedVisible).toBe(true);
      expect((await page.pdf({ format: 'A4' })).length).toBeGreaterThan(1000);
      await page.close();
    },
    60_000,
  );
});
