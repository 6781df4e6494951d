import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure logic beside the code, no servers) and `integration` (suites under
 * test/ against the real Temporal dev server and PostgreSQL that the global setup starts once).
 * Forks, not threads: threads crash with more than one Temporal test file.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{lib,db,definitions,workflows,activities,worker,api,cli,scripts,web}/**/*.test.ts'],
          // Property tests load hundreds of definitions; on two busy cores that outgrows the default 5 s.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
