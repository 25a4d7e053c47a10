import { trustContext } from '@cms-doctor/certs';
import { readFile } from 'node:fs/promises';
import { Agent, request, type Dispatcher } from 'undici';
import type { Secret } from '@cms-doctor/core';
import { CmsDoctorError } from '@cms-doctor/core';
import { parseCmsXml, rootOf, childList, int, type XmlNode } from '../xml.js';
import { CmsApiError } from './errors.js';

export interface CmsApiOptions {
  /** `https://host:port`, with or without the `/api/v1` suffix. */
  url: string;
  user: string;
  password: Secret;
  /** Extra trust anchors: PEM file paths (Target.ca). */
  caFiles?: readonly string[];
  /** Extra trust anchors as PEM text. */
  caPem?: readonly string[];
  /** Skip certificate verification; the caller reports that it did. */
  insecure?: boolean;
  /** Largest response body read, default 2 MiB. */
  maxBodyBytes?: number;
  /** `limit` asked for per page; CMS may return fewer (it caps page sizes). */
  pageLimit?: number;
  /** Stop paging after this many pages (a server that never ends), default 100. */
  maxPages?: number;
  /** Largest sum of page bodies one list may read, default 16 MiB: pages are kept as evidence. */
  maxListBytes?: number;
  /**
   * Send Basic credentials over plain `http://`. Off by default: the password would cross
   * the network in clear. The CLI turns it on only with --insecure, which the report shows.
   */
  allowPlainHttp?: boolean;
  /** Injected dispatcher (tests); the client then does not own it. */
  dispatcher?: Dispatcher;
}

export interface CmsResponse {
  path: string;
  status: number;
  /** The body as text, for evidence. */
  text: string;
  /** Root element name and node. */
  root: string;
  node: XmlNode;
}

export interface CmsPage {
  total: number;
  items: XmlNode[];
  /** Raw body of every page fetched (evidence for offline replay). */
  bodies: string[];
}

export interface CmsApi {
  readonly baseUrl: string;
  readonly insecure: boolean;
  get(path: string, signal: AbortSignal): Promise<CmsResponse>;
  /** Every item of a collection, paging by offset/limit until `total`. */
  list(path: string, item: string, signal: AbortSignal): Promise<CmsPage>;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 2 * 1024 * 1024;
const DEFAULT_MAX_PAGES = 1000;
const DEFAULT_MAX_LIST_BYTES = 16 * 1024 * 1024;

/** Normalises the user's URL to `https://host:port/api/v1`. */
export function apiBase(url: string): string {
  const u = new URL(url);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new CmsDoctorError('CMSD_USAGE', `CMS API URL must be https: ${u.protocol}`);
  u.username = '';
  u.password = '';
  const path = u.pathname.replace(/\/+$/, '');
  u.pathname = /\/api\/v1$/.test(path) ? path : `${path}/api/v1`;
  u.search = '';
  u.hash = '';
  return u.toString().replace(/\/+$/, '');
}

/** Creates a client. TLS verification is on unless `insecure` is set explicitly. */
export async function createCmsApi(opts: CmsApiOptions): Promise<CmsApi> {
  const baseUrl = apiBase(opts.url);
  if (baseUrl.startsWith('http:') && opts.allowPlainHttp !== true && opts.insecure !== true)
    throw new CmsApiError(
      'tls',
      '/',
      'refused: the CMS API URL is plain http://, which would send the password in clear; use https:// (or --insecure to send it anyway, which the report shows)',
    );
  const ca: string[] = [...(opts.caPem ?? [])];
  for (const file of opts.caFiles ?? []) ca.push(await readFile(file, 'utf8'));
  const owned = opts.dispatcher === undefined;
  // undici's own timers fire up to ~0.5 s late, so they are only a backstop: the caller's
  // AbortSignal is the deadline.
  const dispatcher =
    opts.dispatcher ??
    new Agent({
      connect: {
        rejectUnauthorized: opts.insecure !== true,
        ...(ca.length > 0 ? { secureContext: trustContext(ca) } : {}),
      },
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
      connections: 4,
    });
  const authorization = 'Basic ' + Buffer.from(`${opts.user}:${opts.password.reveal()}`).toString('base64');
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const pageLimit = opts.pageLimit ?? 100;
  const maxPages = opts.maxPages ?? DEFAULT_MAX_PAGES;
  const maxListBytes = opts.maxListBytes ?? DEFAULT_MAX_LIST_BYTES;

  const get = async (path: string, signal: AbortSignal): Promise<CmsResponse> => {
    const rel = path.startsWith('/') ? path : `/${path}`;
    const display = rel.split('?')[0] ?? rel;
    if (signal.aborted) throw new CmsApiError('timeout', display, 'deadline reached before the request');
    let res: Dispatcher.ResponseData;
    try {
      res = await request(baseUrl + rel, {
        method: 'GET',
        dispatcher,
        signal,
        headers: { authorization, accept: 'text/xml, application/xml' },
      });
    } catch (e) {
      throw transportError(e, display, signal);
    }
    const text = await readBody(res.body, maxBody, display, signal);
    return interpret(res.statusCode, text, display);
  };

  const list = async (path: string, item: string, signal: AbortSignal): Promise<CmsPage> => {
    const items: XmlNode[] = [];
    const bodies: string[] = [];
    let total = 0;
    let bytes = 0;
    const sep = path.includes('?') ? '&' : '?';
    for (let page = 0, offset = 0; page < maxPages; page += 1) {
      const res = await get(`${path}${sep}offset=${offset}&limit=${pageLimit}`, signal);
      bytes += Buffer.byteLength(res.text);
      // A server that pages on and on with big pages would otherwise fill memory before the deadline.
      if (bytes > maxListBytes)
        throw new CmsApiError('body-too-large', path, `the pages of this list exceed ${maxListBytes} bytes after ${page + 1} page(s)`);
      bodies.push(res.text);
      const got = childList(res.node, item);
      total = int(res.node['@total'] as string | undefined) ?? got.length;
      items.push(...got);
      offset += got.length;
      // `total` counts every match whatever the page size; an empty page ends a list that shrank.
      if (got.length === 0 || offset >= total) return { total, items, bodies };
    }
    throw new CmsApiError('malformed', path, `still paging after ${maxPages} pages (total ${total}, read ${items.length})`);
  };

  return {
    baseUrl,
    insecure: opts.insecure === true,
    get,
    list,
    close: async () => {
      if (owned) await (dispatcher as Agent).close().catch(() => undefined);
    },
  };
}

/** Reads at most `max` bytes; a stalled body ends when `signal` aborts. */
async function readBody(body: Dispatcher.ResponseData['body'], max: number, path: string, signal: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const onAbort = (): void => {
    body.destroy();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of body) {
      const b = chunk as Buffer;
      size += b.length;
      if (size > max) {
        body.destroy();
        throw new CmsApiError('body-too-large', path, `response body exceeds ${max} bytes`);
      }
      chunks.push(b);
    }
  } catch (e) {
    if (e instanceof CmsApiError) throw e;
    throw transportError(e, path, signal);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (signal.aborted) throw new CmsApiError('timeout', path, 'deadline reached while reading the body');
  return Buffer.concat(chunks).toString('utf8');
}

/** Maps an HTTP answer to a parsed document or a typed error. */
export function interpret(status: number, text: string, path: string): CmsResponse {
  const failures = failureNames(text);
  if (status === 401) throw new CmsApiError('unauthorized', path, 'HTTP 401: the API user or password was refused', { status });
  if (status === 404)
    throw new CmsApiError('not-found', path, `HTTP 404: not found${failures.length ? ` (${failures.join(', ')})` : ''}`, {
      status,
      failures,
    });
  if (status === 503) throw new CmsApiError('busy', path, 'HTTP 503: CMS is busy, retry later', { status });
  if (failures.length > 0) throw new CmsApiError('failure-details', path, `HTTP ${status}: ${failures.join(', ')}`, { status, failures });
  if (status < 200 || status > 299) throw new CmsApiError('http-status', path, `HTTP ${status}`, { status });
  let doc: XmlNode;
  try {
    doc = parseCmsXml(text, path);
  } catch (e) {
    throw new CmsApiError('malformed', path, (e as Error).message, { status, cause: e });
  }
  const root = rootOf(doc);
  if (!root) throw new CmsApiError('malformed', path, 'no root element', { status });
  if (root.name === 'failureDetails')
    throw new CmsApiError('failure-details', path, 'failureDetails in a 200 answer', {
      status,
      failures: Object.keys(root.node).filter((k) => !k.startsWith('@')),
    });
  return { path, status, text, root: root.name, node: root.node };
}

/** Child element names of `<failureDetails>` (the reason codes), from text that may not be XML at all. */
export function failureNames(text: string): string[] {
  const m = /<failureDetails\b[^>]*>([\s\S]*?)<\/failureDetails>/.exec(text.slice(0, 65536));
  if (!m?.[1]) return [];
  return [...m[1].matchAll(/<([A-Za-z][\w-]*)\b/g)].map((x) => x[1] ?? '').filter(Boolean);
}

function transportError(e: unknown, path: string, signal: AbortSignal): CmsApiError {
  if (e instanceof CmsApiError) return e;
  if (signal.aborted) return new CmsApiError('timeout', path, 'deadline reached', { cause: e });
  const code = (e as { code?: unknown }).code;
  const message = (e as Error).message ?? String(e);
  if (typeof code === 'string' && (/CERT|SELF_SIGNED|TLS|SSL|ALTNAME/.test(code) || /certificate/i.test(message)))
    return new CmsApiError('tls', path, `TLS: ${typeof code === 'string' ? code + ' ' : ''}${message}`, { cause: e });
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return new CmsApiError('timeout', path, `${code}`, { cause: e });
  return new CmsApiError('network', path, `${typeof code === 'string' ? code + ': ' : ''}${message}`, { cause: e });
}
