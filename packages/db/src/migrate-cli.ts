import { appRoleHolder } from './app-role.ts';
import { runMigrations } from './index.ts';
import type { LoginRole, LoginRoleHolder } from './login-role.ts';
import { monitorRoleHolder } from './monitor-role.ts';

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

// The application's own role (DML only), and the Postgres exporter's (pg_monitor only).
const appRole = roleFromEnvironment(appRoleHolder);
const monitorRole = roleFromEnvironment(monitorRoleHolder);
console.error('Running migrations...');
await runMigrations(databaseUrl, {
  ...(appRole ? { appRole } : {}),
  ...(monitorRole ? { monitorRole } : {}),
});
const roles = [
  ...(appRole ? [`the ${appRoleHolder.kind} role "${appRole.name}"`] : []),
  ...(monitorRole ? [`the ${monitorRoleHolder.kind} role "${monitorRole.name}"`] : []),
];
console.error(
  roles.length > 0
    ? `Migrations are up to date; ${roles.join(' and ')} ${roles.length > 1 ? 'are' : 'is'} ready.`
    : 'Migrations are up to date.',
);
