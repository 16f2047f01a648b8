import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '@scaling/db';
import { startChildPostgres } from '@scaling/stack';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** One real PostgreSQL 15 for the whole run, migrated once; every test creates the rows it needs. */
export default async function setup(project: TestProject) {
  const root = mkdtempSync(join(tmpdir(), 'conduit-test-pg-'));
  // mkdtemp makes the folder private to root; the server runs as an unprivileged account.
  chmodSync(root, 0o755);
  const server = await startChildPostgres(
    {
      dataDir: join(root, 'data'),
      port: Number(process.env.TEST_POSTGRES_PORT ?? 25432),
      user: 'conduit',
      password: 'conduit',
      database: 'conduit_test',
    },
    ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  );
  await runMigrations(server.url());
  project.provide('databaseUrl', server.url());
  return async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  };
}
