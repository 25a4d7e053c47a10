import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const pkgs = ['core', 'dns', 'certs', 'turn', 'cms', 'trust', 'expressway', 'browser', 'exporter', 'lab', 'doctor'];

export default defineConfig({
  resolve: {
    // Tests run against the sources, so a package's tests need no build of the packages it imports.
    alias: [
      { find: /^@cms-doctor\/([a-z]+)\/meta$/, replacement: fileURLToPath(new URL('./packages/$1/src/meta.ts', import.meta.url)) },
      { find: /^@cms-doctor\/([a-z]+)\/light$/, replacement: fileURLToPath(new URL('./packages/$1/src/light.ts', import.meta.url)) },
      { find: '@cms-doctor/doctor/cli', replacement: fileURLToPath(new URL('./packages/doctor/src/cli.ts', import.meta.url)) },
      ...pkgs.map((p) => ({
        find: `@cms-doctor/${p}`,
        replacement: fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url)),
      })),
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
