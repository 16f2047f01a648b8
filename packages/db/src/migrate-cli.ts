import { runMigrations } from './index.ts';
import { type EnvironmentRoles, migrationRolesFromEnvironment } from './roles-from-environment.ts';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error(
    'DATABASE_URL is not set: point it at PostgreSQL directly (never through PgBouncer) and run again.',
  );
  process.exit(2);
}

// The compose files fall back to passwords that name themselves local demo values and are published with this
// repository: a production migration refuses them, as the app does, before it creates a role with one.
let environment: EnvironmentRoles;
try {
  environment = migrationRolesFromEnvironment(process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const { roles, ready } = environment;
console.error('Running migrations...');
const { statementStatistics } = await runMigrations(databaseUrl, roles);
console.error(
  ready.length > 0
    ? `Migrations are up to date; ${ready.join(', ')} ${ready.length > 1 ? 'are' : 'is'} ready.`
    : 'Migrations are up to date.',
);
if (statementStatistics) console.error('pg_stat_statements is installed: statement counts can be read.');
