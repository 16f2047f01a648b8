import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '@scaling/db';
import { traversableBy, unprivilegedUser } from '@scaling/stack';
import type { TestProject } from 'vitest/node';
import { startChildPostgres } from './postgres-server.ts';
import { startChildRedis } from './redis-server.ts';
import { stopSharedStageOf } from './shared-stage.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    /** Tells this run apart from others in the same checkout (the stage a run's files shared is its to stop). */
    testRunId: string;
  }
}

const defaultPostgresPort = 25432;
const defaultRedisPort = 26379;

/**
 * One real PostgreSQL 15 for the whole run, migrated once, and one real Redis; every test creates the rows
 * and keys it needs. Concurrent runs on one machine pick TEST_POSTGRES_PORT; Redis follows at the same offset.
 */
export default async function setup(project: TestProject) {
  const postgresPort = Number(process.env.TEST_POSTGRES_PORT ?? defaultPostgresPort);
  const redisPort = Number(
    process.env.TEST_REDIS_PORT ?? defaultRedisPort + (postgresPort - defaultPostgresPort),
  );
  const root = mkdtempSync(join(tmpdir(), 'conduit-test-pg-'));
  // mkdtemp makes the folder private to root; the server runs as an unprivileged account.
  chmodSync(root, 0o755);
  const account = unprivilegedUser();
  if (account && !traversableBy(root, account)) {
    throw new Error(
      `The postgres account cannot reach ${root}, where the test database lives: point TMPDIR at a folder every account can enter (e.g. TMPDIR=/tmp).`,
    );
  }
  const server = await startChildPostgres(
    {
      dataDir: join(root, 'data'),
      port: postgresPort,
      user: 'conduit',
      password: 'conduit',
      database: 'conduit_test',
    },
    // Commits wait for their WAL (no synchronous_commit=off), so pg_current_wal_lsn() after a commit covers it, as
    // read-your-writes assumes; wal_keep_size lets a standby of a test (startStandby) catch up after a restart.
    ['-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'wal_keep_size=128MB'],
  );
  const redis = await startChildRedis({ port: redisPort }).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  await runMigrations(server.url());
  project.provide('databaseUrl', server.url());
  project.provide('redisUrl', redis.url);
  const runId = randomUUID();
  project.provide('testRunId', runId);
  return async () => {
    // A stage the last stage test files shared (useNativeStage's `shared`) stops with the run.
    await stopSharedStageOf(runId);
    await Promise.all([server.stop(), redis.stop()]);
    rmSync(root, { recursive: true, force: true });
  };
}
