import { migrateNotifications } from './migrations.ts';

const databaseUrl = process.env.NOTIFICATIONS_DATABASE_URL;
if (!databaseUrl) {
  console.error(
    "NOTIFICATIONS_DATABASE_URL is not set: point it at the notifications service's own PostgreSQL and run again.",
  );
  process.exit(2);
}
if (process.env.NODE_ENV === 'production' && databaseUrl.includes('local-demo-only')) {
  console.error(
    'NODE_ENV is production, but NOTIFICATIONS_DATABASE_URL holds a local demo password (published with this ' +
      'repository). Set your own (see the stage .env.example) and run again.',
  );
  process.exit(2);
}
console.error('Migrating the notifications database...');
await migrateNotifications(databaseUrl);
console.error('The notifications database is up to date.');
