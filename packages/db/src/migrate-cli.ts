import { runMigrations } from './index.ts';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error(
    'DATABASE_URL is not set: point it at PostgreSQL directly (never through PgBouncer) and run again.',
  );
  process.exit(2);
}
// The application's own role (DML only), created or updated with the password from the environment.
const appUser = process.env.APP_DATABASE_USER;
const appPassword = process.env.APP_DATABASE_PASSWORD ?? '';
if (appUser && !appPassword) {
  console.error(
    `APP_DATABASE_USER is "${appUser}" but APP_DATABASE_PASSWORD is not set: set both, or neither.`,
  );
  process.exit(2);
}
// The Postgres exporter's role (pg_monitor only), likewise.
const monitorUser = process.env.MONITOR_DATABASE_USER;
const monitorPassword = process.env.MONITOR_DATABASE_PASSWORD ?? '';
if (monitorUser && !monitorPassword) {
  console.error(
    `MONITOR_DATABASE_USER is "${monitorUser}" but MONITOR_DATABASE_PASSWORD is not set: set both, or neither.`,
  );
  process.exit(2);
}
console.error('Running migrations...');
await runMigrations(databaseUrl, {
  ...(appUser ? { appRole: { name: appUser, password: appPassword } } : {}),
  ...(monitorUser ? { monitorRole: { name: monitorUser, password: monitorPassword } } : {}),
});
const roles = [
  ...(appUser ? [`the application role "${appUser}"`] : []),
  ...(monitorUser ? [`the monitoring role "${monitorUser}"`] : []),
];
console.error(
  roles.length > 0
    ? `Migrations are up to date; ${roles.join(' and ')} ${roles.length > 1 ? 'are' : 'is'} ready.`
    : 'Migrations are up to date.',
);
