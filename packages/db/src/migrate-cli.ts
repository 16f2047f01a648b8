import { appRoleHolder } from './app-role.ts';
import { runMigrations } from './index.ts';
import type { LoginRole, LoginRoleHolder } from './login-role.ts';
import type { MigrationRoles } from './migrate.ts';
import { monitorRoleHolder } from './monitor-role.ts';
import { replicationRoleHolder } from './replication-role.ts';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error(
    'DATABASE_URL is not set: point it at PostgreSQL directly (never through PgBouncer) and run again.',
  );
  process.exit(2);
}

/** The role its variables name, created or updated with the password from the environment; none when unset. */
function roleFromEnvironment(holder: LoginRoleHolder): LoginRole | undefined {
  const name = process.env[holder.userVariable];
  const password = process.env[holder.passwordVariable] ?? '';
  if (name && !password) {
    console.error(
      `${holder.userVariable} is "${name}" but ${holder.passwordVariable} is not set: set both, or neither.`,
    );
    process.exit(2);
  }
  return name ? { name, password } : undefined;
}

// The application's own role (DML only), the Postgres exporter's (pg_monitor only), the replicas' (REPLICATION only).
const holders = {
  appRole: appRoleHolder,
  monitorRole: monitorRoleHolder,
  replicationRole: replicationRoleHolder,
};
const roles: MigrationRoles = {};
const ready: string[] = [];
for (const [option, holder] of Object.entries(holders) as [keyof MigrationRoles, LoginRoleHolder][]) {
  const role = roleFromEnvironment(holder);
  if (!role) continue;
  roles[option] = role;
  ready.push(`the ${holder.kind} role "${role.name}"`);
}
console.error('Running migrations...');
const { statementStatistics } = await runMigrations(databaseUrl, roles);
console.error(
  ready.length > 0
    ? `Migrations are up to date; ${ready.join(', ')} ${ready.length > 1 ? 'are' : 'is'} ready.`
    : 'Migrations are up to date.',
);
if (statementStatistics) console.error('pg_stat_statements is installed: statement counts can be read.');
