/**
 * This package's problem codes and fixes, with no heavy imports: what `cms-doctor explain`
 * loads instead of the whole plugin. The plugin uses the same arrays.
 */
import type { CodeInfo, Fix } from '@cms-doctor/core';

// Its codes (webbridge/trust-bundle-*) and fix are contract entries in core.
export const codes: readonly CodeInfo[] = [];
export const fixes: readonly Fix[] = [];
