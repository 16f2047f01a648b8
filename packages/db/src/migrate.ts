import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { type AppRole, ensureAppRole } from './app-role.ts';
import { ensureMonitorRole, type MonitorRole } from './monitor-role.ts';
import { ensureReplicationRole, type ReplicationRole } from './replication-role.ts';
import { ensureStatementStatistics } from './statement-statistics.ts';

export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

// Any constant works as long as every caller agrees on it; it is "conduit" in ASCII.
const migrationLockKey = 0x636f6e64756974;

export interface MigrationRoles {
  appRole?: AppRole;
  monitorRole?: MonitorRole;
  replicationRole?: ReplicationRole;
}

/** Creates or updates each role given, with its grants on the tables that exist now (run after the migrations). */
export async function ensureMigrationRoles(client: pg.ClientBase, roles: MigrationRoles): Promise<void> {
  if (roles.appRole) await ensureAppRole(client, roles.appRole);
  if (roles.monitorRole) await ensureMonitorRole(client, roles.monitorRole);
  if (roles.replicationRole) await ensureReplicationRole(client, roles.replicationRole);
}

/** One set of SQL migrations: its folder, the table that records which ran, and the advisory lock its runners share. */
export interface MigrationSet {
  dir: string;
  table: string;
  lockKey: number;
}

/**
 * Runs fn on a connection to the database holding the set's lock, after applying the set's pending migrations: the
 * late runners queue on the lock (blocking, session-level) and find nothing left to do, where node-pg-migrate's own
 * lock would fail them fast. Whatever fn does after (roles, grants) is serialized by the same lock.
 */
export async function withMigratedSet<T>(
  databaseUrl: string,
  set: MigrationSet,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [set.lockKey]);
    await runner({
      dbClient: client,
      dir: set.dir,
      direction: 'up',
      migrationsTable: set.table,
      count: Number.POSITIVE_INFINITY,
      noLock: true,
      checkOrder: true,
      log: () => {},
    });
    return await fn(client);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [set.lockKey]).catch(() => {});
    await client.end();
  }
}

/**
 * Applies every pending SQL migration, installs pg_stat_statements where the server has it
 * (statement-statistics.ts), then creates or updates each role given: the application's least-privilege role
 * (app-role.ts), the exporter's monitoring role (monitor-role.ts), the replicas' replication role
 * (replication-role.ts). Safe to call on every boot and from several processes at once.
 */
export function runMigrations(
  databaseUrl: string,
  options: MigrationRoles = {},
): Promise<{ statementStatistics: boolean }> {
  const set = { dir: migrationsDir, table: 'pgmigrations', lockKey: migrationLockKey };
  return withMigratedSet(databaseUrl, set, async (client) => {
    const statementStatistics = await ensureStatementStatistics(client);
    await ensureMigrationRoles(client, options);
    return { statementStatistics };
  });
}
