export { compareLsn, lsnBytesBetween, lsnToBigInt, maxLsn } from './lsn.ts';
export {
  ensureMigrationRoles,
  type MigrationRoles,
  type MigrationSet,
  migrationsDir,
  runMigrations,
  withMigratedSet,
} from './migrate.ts';
export { createPool, type PoolOptions, poolDefaults } from './pool.ts';
export type { PoolMetricsOptions } from './pool-metrics.ts';
export { type PostgresPluginOptions, postgresPlugin } from './postgres-plugin.ts';
export { type EnvironmentRoles, migrationRolesFromEnvironment } from './roles-from-environment.ts';
export { type Queryable, withTransaction } from './transaction.ts';
export { isDatabaseUnavailable } from './unavailable.ts';
