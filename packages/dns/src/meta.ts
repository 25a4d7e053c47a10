/**
 * This package's problem codes and fixes, with no heavy imports: what `cms-doctor explain`
 * loads instead of the whole plugin. The plugin uses the same arrays.
 */
export { DNS_CODES as codes, DNS_FIXES as fixes } from './codes.js';
