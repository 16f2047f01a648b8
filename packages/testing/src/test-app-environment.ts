import { inject } from 'vitest';

/**
 * The environment of a stage's app built inside the test process: the test Postgres and Redis, the instance name
 * its answers carry (`X-Served-By: app.test`), no logs, and metrics on any free port beside whatever else runs here.
 * `overrides` come last, so a test can swap any of them (a Redis that refuses, a variant's settings).
 */
export function testAppEnvironment(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    INSTANCE_NAME: 'app.test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    METRICS_PORT: '0',
    ...overrides,
  };
}
