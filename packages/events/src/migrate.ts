import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';

export const eventsMigrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

// Distinct from @scaling/db's key so both migration sets can run on one database without waiting on each other.
const eventsMigrationLockKey = 0x6576656e7473;

/**
 * Adds the outbox and processed_events tables to a database (a shard, the global database, a service's own),
 * tracked in their own table `pgmigrations_events` so they never mix with the database's main migrations.
 * Safe on every boot and from several processes at once: callers queue on an advisory lock.
 */
export async function migrateEvents(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [eventsMigrationLockKey]);
    await runner({
      dbClient: client,
      dir: eventsMigrationsDir,
      direction: 'up',
      migrationsTable: 'pgmigrations_events',
      count: Number.POSITIVE_INFINITY,
      noLock: true,
      checkOrder: true,
      log: () => {},
    });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [eventsMigrationLockKey]).catch(() => {});
    await client.end();
  }
}
