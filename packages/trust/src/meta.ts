/**
 * This package's problem codes and fixes, with no heavy imports: what `cms-doctor explain`
 * loads instead of the whole plugin. The plugin uses the same arrays.
 */
// webbridge/trust-bundle-* and webbridge-callbridge-trust are contract entries in core;
// the C2W codes and fix are this package's.
export { TRUST_CODES as codes, TRUST_FIXES as fixes } from './codes.js';
