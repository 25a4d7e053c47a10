/**
 * This package's problem codes and fixes, with no heavy imports: what `cms-doctor explain`
 * loads instead of the whole plugin. The plugin uses the same arrays.
 */
export { BROWSER_CODES as codes, BROWSER_FIXES as fixes } from './codes.js';
