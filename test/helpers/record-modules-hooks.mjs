// Module hooks (a loader thread) for record-modules.mjs: log each module URL as it loads.
import { appendFileSync } from 'node:fs';

let log;
export function initialize(data) {
  log = data.log;
}
export async function load(url, context, next) {
  appendFileSync(log, `${url}\n`);
  return next(url, context);
}
