import { fileURLToPath } from 'node:url';
import { migrateEvents } from '@scaling/events';
import { runner } from 'node-pg-migrate';
import pg from 'pg';

export const notificationsMigrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

// Its own key ("notif" in ASCII): the service's database is its own, but a shared demo server must not serialize
// the service's migrations behind the app's.
const migrationLockKey = 0x6e6f74696600;

/**
 * Brings the service's own database up to date: its tables (people, follows, notifications), then @scaling/events'
 * processed_events, which the consumer records each applied event in. Safe on every boot and from several
 * replicas at once: they queue on an advisory lock and the late ones find nothing to do.
 */
export async function migrateNotifications(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
    await runner({
      dbClient: client,
      dir: notificationsMigrationsDir,
      direction: 'up',
      migrationsTable: 'pgmigrations_notifications',
      count: Number.POSITIVE_INFINITY,
      noLock: true,
      checkOrder: true,
      log: () => {},
    });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]).catch(() => {});
    await client.end();
  }
  await migrateEvents(databaseUrl);
}
