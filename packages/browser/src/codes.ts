import type { CodeInfo, Fix } from '@cms-doctor/core';

/**
 * Problem codes only the browser gives. Everything the browser shows that another check already
 * names (a certificate Chromium distrusts, "Bad Request", a TURN rejection) is emitted with that
 * check's code, so one problem has one code whichever side saw it.
 */
export const BROWSER_CODES: readonly CodeInfo[] = [
  {
    code: 'browser/cert-rejected',
    title: 'Chromium rejected the certificate the edge presented for the web bridge name',
    status: 'fail',
    fixes: ['edge-cert-trusted-ca'],
    basis: 'inferred',
  },
  {
    code: 'browser/page-load-failed',
    title: 'Chromium could not load the external web bridge page',
    status: 'fail',
    fixes: [],
    basis: 'inferred',
  },
  {
    code: 'browser/relay-loss',
    title: 'Data sent through the TURN relay between two browser peers was partly lost',
    status: 'warn',
    fixes: [],
    basis: 'inferred',
  },
];

/** No fix of its own: the findings above name the catalogue's edge certificate fix, or none. */
export const BROWSER_FIXES: readonly Fix[] = [];
