import type { CommandModule } from 'yargs';
import type { CliIo } from '../io.js';

/** A command by name, its module loaded only when that command runs (docs/decisions/lazy-loading.md). */
export interface CommandEntry {
  name: string;
  load: () => Promise<(io: CliIo) => CommandModule>;
}

/**
 * Every command of the CLI, in the order `--help` lists them. The full parser registers all of
 * them; the fast path (parse/fast-dispatch.ts) loads only the one the user named.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'run', load: async () => (await import('./run.js')).runCommand },
  { name: 'triage', load: async () => (await import('./triage.js')).triageCommand },
  { name: 'probe', load: async () => (await import('./probe.js')).probeCommand },
  { name: 'verify', load: async () => (await import('./verify.js')).verifyCommand },
  { name: 'explain', load: async () => (await import('./explain.js')).explainCommand },
  { name: 'checks', load: async () => (await import('./checks.js')).checksCommand },
  { name: 'lab', load: async () => (await import('./lab.js')).labCommand },
  { name: 'demo', load: async () => (await import('./lab.js')).demoCommand },
  { name: 'serve', load: async () => (await import('./serve.js')).serveCommand },
];
