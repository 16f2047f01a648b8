import { migrationRolesFromEnvironment } from '@scaling/db';
import { migrateNotifications } from './migrations.ts';

// APP_DATABASE_USER / APP_DATABASE_PASSWORD name the role the service connects as, as for the app's database.
const databaseVariable = 'NOTIFICATIONS_DATABASE_URL';
const databaseUrl = process.env[databaseVariable];
if (!databaseUrl) {
  console.error(
    `${databaseVariable} is not set: point it at the notifications service's own PostgreSQL, as the role that owns ` +
      'its tables, and run again.',
  );
  process.exit(2);
}
let environment: ReturnType<typeof migrationRolesFromEnvironment>;
try {
  environment = migrationRolesFromEnvironment(process.env, [databaseVariable]);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const { roles, ready } = environment;
console.error('Migrating the notifications database...');
await migrateNotifications(databaseUrl, roles);
console.error(
  ready.length > 0
    ? `The notifications database is up to date; ${ready.join(', ')} ${ready.length > 1 ? 'are' : 'is'} ready.`
    : 'The notifications database is up to date.',
);
