import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `make test-docker` only: these tests need a Docker engine, the Compose plugin and the images, which
// scripts/docker-bootstrap.sh provides. Every stage publishes 8080, so the files run one at a time.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    name: 'docker',
    include: ['docker/test/**/*.test.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 1_200_000,
  },
});
