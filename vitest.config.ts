import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const pkgs = ['core', 'dns', 'certs', 'turn', 'cms', 'trust', 'expressway', 'browser', 'exporter', 'lab', 'doctor'];

export default defineConfig({
  resolve: {
    // Tests run against the sources, so a package's tests need no build of the packages it imports.
    alias: [
      // Subpath exports (`@cms-doctor/cms/mmp-screens`, `/meta`, `/light`) name a module of the package's src.
      { find: /^@cms-doctor\/([a-z]+)\/([a-z0-9-]+)$/, replacement: fileURLToPath(new URL('./packages/$1/src/$2.ts', import.meta.url)) },
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
    globalSetup: ['test/helpers/bundle-cli.global.ts'],
  },
});
