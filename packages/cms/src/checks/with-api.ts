import type { CheckContext, FindingDraft } from '@cms-doctor/core';
import { describeError } from '@cms-doctor/core';
import { emit } from '../emit.js';
import { createCmsApi, type CmsApi } from '../api/client.js';
import { isCmsApiError } from '../api/errors.js';

export const API_NEEDS = ['cmsApi', 'cmsUser', 'cmsPassword'] as const;

/** Opens a client from the target, runs `fn`, always closes it. */
export async function withApi<T>(ctx: CheckContext, fn: (api: CmsApi) => Promise<T>): Promise<T> {
  const t = ctx.target;
  const api = await createCmsApi({
    url: t.cmsApi!,
    user: t.cmsUser!,
    password: t.cmsPassword!,
    ...(t.ca ? { caFiles: t.ca } : {}),
    ...(t.insecure ? { insecure: true } : {}),
  });
  try {
    return await fn(api);
  } finally {
    await api.close();
  }
}

/**
 * Runs `fn` with a client; a failed request becomes the `error` finding `apiErrorFinding`
 * makes, titled `failTitle`, so every API check fails the same way.
 */
export async function apiFindings<T>(ctx: CheckContext, failTitle: string, fn: (api: CmsApi) => Promise<T>): Promise<T | FindingDraft[]> {
  try {
    return await withApi(ctx, fn);
  } catch (e) {
    return [apiErrorFinding(failTitle, e, ctx.target.insecure === true)];
  }
}

/**
 * A request that failed becomes an `error` finding saying why (401: credentials,
 * 404: this version has no such node, TLS, timeout), never a crash.
 */
export function apiErrorFinding(title: string, e: unknown, insecure: boolean): FindingDraft {
  const kind = isCmsApiError(e) ? e.kind : 'network';
  const hint: Record<string, string> = {
    unauthorized: 'check --cms-user and the password (CMS_DOCTOR_CMS_PASSWORD); the user needs the api or admin role',
    'not-found': 'this CMS version has no such API node',
    busy: 'CMS answered 503 (busy); try again',
    tls: 'the CMS certificate was not trusted: pass its CA with --ca (or --insecure, which is reported)',
    timeout: 'no complete answer before the deadline',
    malformed: 'the answer was not the XML CMS sends',
    'body-too-large': 'the answer was larger than this tool reads',
  };
  return emit('cms/check-error', {
    detail: `${title}: ${describeError(e)}${hint[kind] ? `. ${hint[kind]}` : ''}`,
    evidence: [
      {
        kind: 'cms-api-error',
        failure: kind,
        path: isCmsApiError(e) ? e.path : null,
        status: isCmsApiError(e) ? (e.status ?? null) : null,
        failures: isCmsApiError(e) ? [...e.failures] : [],
        insecure,
      },
    ],
  });
}
