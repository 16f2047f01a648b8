import { type EnvironmentRoles, migrationRolesFromEnvironment, runMigrations } from '@scaling/db';
import { parseShardUrls, type ShardAddress } from './env.ts';
import { migrateGlobal, migrateShard } from './migrate.ts';

/**
 * Migrates stage 6's databases as their owner, each directly (never through PgBouncer): the global one (conduit's
 * schema, the directory, the ring, the outbox) from DATABASE_URL, then every shard in SHARD_MIGRATION_URLS
 * (`shard1=postgres://...,shard2=...`), which also seed an empty ring. The roles of @scaling/db's migrate CLI
 * (APP_DATABASE_USER, MONITOR_DATABASE_USER, ...) are created on each database and granted its tables.
 */
function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const databaseUrl =
  process.env.DATABASE_URL ||
  fail(
    'DATABASE_URL is not set: point it at the global PostgreSQL directly (never through PgBouncer) and run again.',
  );

let shards: ShardAddress[] = [];
let environment: EnvironmentRoles;
try {
  shards = parseShardUrls(process.env.SHARD_MIGRATION_URLS ?? '', 'SHARD_MIGRATION_URLS');
  environment = migrationRolesFromEnvironment(process.env, ['DATABASE_URL', 'SHARD_MIGRATION_URLS']);
} catch (error) {
  fail((error as Error).message);
}
if (shards.length === 0) {
  fail(
    'SHARD_MIGRATION_URLS is empty: list the initial shards as shard1=postgres://...,shard2=... (direct URLs).',
  );
}

const { roles, ready } = environment;
console.error('Migrating the global database...');
await runMigrations(databaseUrl, roles);
await migrateGlobal(databaseUrl, { initialShards: shards.map((shard) => shard.name), roles });
for (const [index, shard] of shards.entries()) {
  console.error(`Migrating ${shard.name} (${index + 1} of ${shards.length})...`);
  await migrateShard(shard.url, shard.name, { roles });
}
console.error(
  `Migrations are up to date on the global database and ${shards.map((shard) => shard.name).join(', ')}` +
    (ready.length > 0 ? `; ${ready.join(', ')} ${ready.length > 1 ? 'are' : 'is'} ready on each.` : '.'),
);
