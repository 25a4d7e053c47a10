import https from 'node:https';
import { readFile } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';
import { trustContext } from '@cms-doctor/certs';
import { codeOf, CmsDoctorError, CORE_CODES, defineCheck, emitterFor, remainingMs, withSignal, type FindingDraft } from '@cms-doctor/core';
import { EXPRESSWAY_CODES } from '../catalogue.js';

const emit = emitterFor(CORE_CODES, EXPRESSWAY_CODES);

/**
 * The Expressway XML status API as a real monitoring client uses it (reference §4.2):
 * `GET /getxml?location=/Status/Warnings` with Basic auth returns
 * `<Warnings><Warning>` items with ID, State and Reason. Only this confirmed shape is read.
 */
export interface ExpresswayWarning {
  id: string;
  state: string;
  reason: string;
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, processEntities: false });

const text = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return text((v as Record<string, unknown>)['#text']);
  return String(v);
};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v]);

/** Pure: the warnings in a `/Status/Warnings` document (wrapped in `<Status>` or not). */
export function parseStatusWarnings(xml: string): ExpresswayWarning[] {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (e) {
    throw new CmsDoctorError('CMSD_PARSE', `not XML: ${(e as Error).message}`);
  }
  if (doc['XPathError'])
    throw new CmsDoctorError('CMSD_PROTOCOL', `Expressway XPathError: ${text((doc['XPathError'] as Record<string, unknown>)['Reason'])}`);
  const status = (doc['Status'] ?? doc) as Record<string, unknown>;
  const warnings = status['Warnings'];
  if (warnings === undefined) throw new CmsDoctorError('CMSD_PROTOCOL', 'no <Warnings> element in the answer');
  const items = typeof warnings === 'object' && warnings !== null ? (warnings as Record<string, unknown>)['Warning'] : undefined;
  return list(items).map((w) => {
    const o = (w ?? {}) as Record<string, unknown>;
    return { id: text(o['ID']), state: text(o['State']), reason: text(o['Reason']) };
  });
}

export async function fetchStatusWarnings(opts: {
  baseUrl: string;
  user: string;
  password: string;
  ca?: readonly string[];
  insecure?: boolean;
  signal: AbortSignal;
  timeoutMs: number;
}): Promise<{ status: number; warnings: ExpresswayWarning[] }> {
  const url = new URL('/getxml?location=/Status/Warnings', opts.baseUrl);
  const body = await withSignal(
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = https.get(
        url,
        {
          auth: `${opts.user}:${opts.password}`,
          rejectUnauthorized: !opts.insecure,
          ...(opts.ca && opts.ca.length ? { secureContext: trustContext(opts.ca) } : {}),
          timeout: opts.timeoutMs,
          signal: opts.signal,
        },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            if (data.length < 4 * 1024 * 1024) data += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: data }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new CmsDoctorError('CMSD_TIMEOUT', `no answer from ${url.host} within ${opts.timeoutMs} ms`)));
      req.on('error', reject);
    }),
    opts.signal,
  );
  if (body.status !== 200) return { status: body.status, warnings: [] };
  return { status: 200, warnings: parseStatusWarnings(body.text) };
}

export const expresswayWarningsCheck = defineCheck({
  id: 'expressway.api-warnings',
  title: 'Expressway status: unacknowledged warnings',
  area: 'expressway',
  modes: ['live'],
  needs: ['expresswayApi', 'expresswayUser', 'expresswayPassword'],
  async run(ctx) {
    const t = ctx.target;
    const ca = await Promise.all((t.ca ?? []).map((p) => readFile(p, 'utf8')));
    const r = await fetchStatusWarnings({
      baseUrl: t.expresswayApi ?? '',
      user: t.expresswayUser ?? '',
      password: t.expresswayPassword?.reveal() ?? '',
      ca,
      insecure: t.insecure ?? false,
      signal: ctx.signal,
      timeoutMs: Math.max(500, remainingMs(ctx.deadline) - 250),
    });
    const subject = `${new URL(t.expresswayApi ?? '').host} /Status/Warnings`;
    if (r.status !== 200) {
      return [
        emit('expressway/check-error', {
          subject,
          detail: `The Expressway status API (--expressway-api) answered HTTP ${r.status}${
            r.status === 401 ? ` to user ${t.expresswayUser ?? ''} (--expressway-user) with the password given: check both` : ''
          }.`,
          evidence: [{ kind: 'http-status', status: r.status }],
        }),
      ];
    }
    const open = r.warnings.filter((w) => !/^acknowledged$/i.test(w.state));
    const evidence = r.warnings.map((w) => ({ kind: 'expressway-warning', ...w }));
    if (open.length === 0)
      return [
        {
          code: codeOf('expressway.api-warnings'),
          status: 'pass',
          title: `No unacknowledged Expressway warnings (${r.warnings.length} in all)`,
          subject,
          evidence,
        },
      ];
    return open.map((w): FindingDraft =>
      emit('expressway/api-warning', {
        subject,
        detail: `Warning ${w.id} (${w.state}): ${w.reason}`,
        evidence: [{ kind: 'expressway-warning', ...w }],
      }),
    );
  },
});
