// The bundle's `help.js` entry: what bin/cms-doctor.js prints from files rendered at build time
// before it loads the CLI (docs/decisions/cli-bundle.md).
export { renderedHelp } from './rendered-help.js';
export { renderedChecks } from './rendered-checks.js';
