/**
 * This package's problem codes and fixes, with no heavy imports: what `cms-doctor explain`
 * loads instead of the whole plugin. The plugin uses the same arrays.
 */
import type { Fix } from '@cms-doctor/core';

export { CERT_CODES as codes } from './codes.js';
export const fixes: readonly Fix[] = [];
