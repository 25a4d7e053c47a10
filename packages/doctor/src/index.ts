export { main } from './cli.js';
export { diagnoseLive, diagnoseOffline, type DiagnoseOptions } from './diagnose.js';
export { loadCatalogue, mergePlugins, type Catalogue } from './catalogue.js';
export { render, renderText, renderJson, renderMarkdown, renderJunit, type Format } from './render/index.js';
export { buildTarget, mergeSources } from './target.js';
export { loadConfigFile } from './config.js';
export { bufferedIo, type CliIo } from './io.js';
