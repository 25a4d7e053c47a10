// `node --import ./test/helpers/record-modules.mjs …` appends the URL of every ES module and
// CommonJS file the process loads to the file named by CMS_DOCTOR_MODULE_LOG, one a line: the
// lazy-loading test reads it to prove what a command did not load.
import { register } from 'node:module';
import { appendFileSync } from 'node:fs';
import Module from 'node:module';

const log = process.env.CMS_DOCTOR_MODULE_LOG;
if (log) {
  register(new URL('./record-modules-hooks.mjs', import.meta.url), { data: { log } });
  // require() of CommonJS packages (x509, forge, ssh2) bypasses the ESM hooks in Node 20.
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    try {
      appendFileSync(log, `cjs:${Module._resolveFilename(request, parent, isMain)}\n`);
    } catch {
      // a builtin or unresolvable name: the real load reports it
    }
    return load.apply(this, arguments);
  };
}
