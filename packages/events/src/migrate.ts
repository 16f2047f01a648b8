import { fileURLToPath } from 'node:url';
import { type MigrationSet, withMigratedSet } from '@scaling/db';

/**
 * The outbox and processed_events tables, tracked in their own table `pgmigrations_events` so they never mix with a
 * database's main migrations, under a lock of their own so both sets can run on one database without waiting.
 */
const eventsMigrations: MigrationSet = {
  dir: fileURLToPath(new URL('../migrations', import.meta.url)),
  table: 'pgmigrations_events',
  lockKey: 0x6576656e7473,
};

/**
 * Adds the outbox and processed_events tables to a database (a shard, the global database, a service's own). Safe
 * on every boot and from several processes at once: callers queue on the set's advisory lock.
 */
export async function migrateEvents(databaseUrl: string): Promise<void> {
  await withMigratedSet(databaseUrl, eventsMigrations, async () => {});
}
