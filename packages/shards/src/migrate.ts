import { fileURLToPath } from 'node:url';
import { ensureMigrationRoles, type MigrationRoles, withMigratedSet } from '@scaling/db';
import { migrateEvents } from '@scaling/events';
import { ensureIdRange } from './id-range.ts';
import { idRangeOf } from './shard-names.ts';

export const globalMigrationsDir = fileURLToPath(new URL('../migrations/global', import.meta.url));
export const shardMigrationsDir = fileURLToPath(new URL('../migrations/shard', import.meta.url));

// Distinct from @scaling/db's and @scaling/events' keys; "shards" in ASCII.
const lockKey = 0x736861726473;
const table = 'pgmigrations_shards';

/**
 * The global database's part of sharding (the directory, the ring, the author moves) and its outbox, on a database
 * that already has conduit's migrations (`runMigrations` from @scaling/db: the directory references users). With
 * `initialShards`, an empty ring is seeded with them as active members. Roles are granted the new tables.
 */
export async function migrateGlobal(
  databaseUrl: string,
  options: { initialShards?: readonly string[]; roles?: MigrationRoles } = {},
): Promise<void> {
  await migrateEvents(databaseUrl);
  await withMigratedSet(databaseUrl, { dir: globalMigrationsDir, table, lockKey }, async (client) => {
    if (options.initialShards && options.initialShards.length > 0) {
      // Only an empty ring: once resharding has changed the members, a rerun must not add the old ones back.
      await client.query(
        `INSERT INTO shard_ring (name, state)
         SELECT name, 'active' FROM unnest($1::text[]) AS name WHERE NOT EXISTS (SELECT 1 FROM shard_ring)`,
        [options.initialShards],
      );
    }
    await ensureMigrationRoles(client, options.roles ?? {});
  });
}

/** A shard's tables and its outbox, its id range (from its name), and the roles' grants on them. */
export async function migrateShard(
  databaseUrl: string,
  shardName: string,
  options: { roles?: MigrationRoles } = {},
): Promise<void> {
  const range = idRangeOf(shardName);
  await migrateEvents(databaseUrl);
  await withMigratedSet(databaseUrl, { dir: shardMigrationsDir, table, lockKey }, async (client) => {
    await ensureIdRange(client, range);
    await ensureMigrationRoles(client, options.roles ?? {});
  });
}
