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

// The compose files fall back to passwords that name themselves local demo values and are published with this
// repository: a production migration refuses them, as the app does, before it creates a role with one.
if (process.env.NODE_ENV === 'production') {
  const demo = ['DATABASE_URL', ...Object.values(holders).map((holder) => holder.passwordVariable)].filter(
    (name) => process.env[name]?.includes('local-demo-only'),
  );
  if (demo.length > 0) {
    console.error(
      `NODE_ENV is production, but ${demo.join(', ')} ${demo.length === 1 ? 'holds' : 'hold'} a local demo value (published with this ` +
        'repository). Set your own passwords (see .env.example) and run again.',
    );
    process.exit(2);
  }
}
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
