/**
 * This package's problem codes and fixes, with no heavy imports: what `cms-doctor explain`
 * loads instead of the whole plugin. The plugin uses the same arrays.
 */
export { EXPRESSWAY_CODES as codes, EXPRESSWAY_FIXES as fixes } from './catalogue.js';
