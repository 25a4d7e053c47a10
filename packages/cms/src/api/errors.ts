import { CmsDoctorError, type ErrorCode } from '@cms-doctor/core';

/** Why a CMS API request did not give a usable answer. */
export type CmsApiFailureKind =
  | 'unauthorized' // 401: wrong API user or password
  | 'not-found' // 404: no such object (or no such node on this version)
  | 'busy' // 503: CMS says retry later
  | 'failure-details' // 4xx/5xx with a <failureDetails> body
  | 'http-status' // any other non-200
  | 'body-too-large'
  | 'malformed' // not well-formed XML, or not the element we asked for
  | 'timeout'
  | 'tls'
  | 'network';

const ERROR_CODE: Record<CmsApiFailureKind, ErrorCode> = {
  unauthorized: 'CMSD_PROTOCOL',
  'not-found': 'CMSD_PROTOCOL',
  busy: 'CMSD_PROTOCOL',
  'failure-details': 'CMSD_PROTOCOL',
  'http-status': 'CMSD_PROTOCOL',
  'body-too-large': 'CMSD_PARSE',
  malformed: 'CMSD_PARSE',
  timeout: 'CMSD_TIMEOUT',
  tls: 'CMSD_NETWORK',
  network: 'CMSD_NETWORK',
};

/**
 * A CMS API request that failed. Carries the path and status, and the names of the
 * `<failureDetails>` children (e.g. `coSpaceDoesNotExist`); never a header or a password.
 */
export class CmsApiError extends CmsDoctorError {
  override name = 'CmsApiError';
  readonly kind: CmsApiFailureKind;
  readonly path: string;
  readonly status?: number;
  readonly failures: readonly string[];
  constructor(
    kind: CmsApiFailureKind,
    path: string,
    message: string,
    opts: { status?: number; failures?: readonly string[]; cause?: unknown } = {},
  ) {
    super(ERROR_CODE[kind], `CMS API ${path}: ${message}`, opts.cause === undefined ? {} : { cause: opts.cause });
    this.kind = kind;
    this.path = path;
    if (opts.status !== undefined) this.status = opts.status;
    this.failures = opts.failures ?? [];
  }
}

export const isCmsApiError = (e: unknown): e is CmsApiError => e instanceof CmsDoctorError && (e as CmsApiError).name === 'CmsApiError';
