import { defineConfig } from 'vitest/config';
import { StageOrderSequencer } from './packages/testing/src/stage-order-sequencer.ts';

export default defineConfig({
  test: {
    globalSetup: ['./packages/testing/src/global-setup.ts'],
    testTimeout: 20_000,
    sequence: { sequencer: StageOrderSequencer },
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'packages',
          include: [
            'packages/*/test/**/*.test.ts',
            'services/*/test/**/*.test.ts',
            'loadtests/test/**/*.test.ts',
            'scripts/test/**/*.test.ts',
          ],
        },
      },
      {
        // Every stage publishes the same ports (8080, 15432, ...), so stage tests boot one stage at a time.
        extends: true,
        test: {
          name: 'stages',
          include: ['stages/*/test/**/*.test.ts'],
          fileParallelism: false,
        },
      },
    ],
  },
});
