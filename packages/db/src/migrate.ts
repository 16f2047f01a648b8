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

/**
 * Applies every pending SQL migration, installs pg_stat_statements where the server has it
 * (statement-statistics.ts), then creates or updates each role given: the application's least-privilege role
 * (app-role.ts), the exporter's monitoring role (monitor-role.ts), the replicas' replication role
 * (replication-role.ts). Safe to call on every boot and from several processes at once.
 * node-pg-migrate's own lock fails fast when another runner holds it, so callers instead queue on a
 * blocking session-level advisory lock and the late ones find nothing left to do.
 */
export async function runMigrations(
  databaseUrl: string,
  options: MigrationRoles = {},
): Promise<{ statementStatistics: boolean }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
    await runner({
      dbClient: client,
      dir: migrationsDir,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      count: Number.POSITIVE_INFINITY,
      noLock: true,
      checkOrder: true,
      log: () => {},
    });
    const statementStatistics = await ensureStatementStatistics(client);
    if (options.appRole) await ensureAppRole(client, options.appRole);
    if (options.monitorRole) await ensureMonitorRole(client, options.monitorRole);
    if (options.replicationRole) await ensureReplicationRole(client, options.replicationRole);
    return { statementStatistics };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]).catch(() => {});
    await client.end();
  }
}
