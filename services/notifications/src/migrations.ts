import { fileURLToPath } from 'node:url';
import { ensureMigrationRoles, type MigrationRoles, withMigratedSet } from '@scaling/db';
import { migrateEvents } from '@scaling/events';

export const notificationsMigrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

const notificationsSet = {
  dir: notificationsMigrationsDir,
  table: 'pgmigrations_notifications',
  // Its own key ("notif" in ASCII): a shared demo server must not serialize these behind the app's migrations.
  lockKey: 0x6e6f74696600,
};

/**
 * Brings the service's own database up to date: @scaling/events' processed_events (the consumer records each applied
 * event in it), then its tables (people, follows, articles, notifications) and, under the same lock, the roles given
 * (the service's least-privilege role: rows only, as the app's on the app's database), granted both sets' tables.
 * Safe on every boot and from several replicas at once: they queue on advisory locks and the late ones find nothing
 * to do.
 */
export async function migrateNotifications(databaseUrl: string, roles: MigrationRoles = {}): Promise<void> {
  await migrateEvents(databaseUrl);
  await withMigratedSet(databaseUrl, notificationsSet, (client) => ensureMigrationRoles(client, roles));
}
