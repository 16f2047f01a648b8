import { runMigrations } from './index.ts';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error(
    'DATABASE_URL is not set: point it at PostgreSQL directly (never through PgBouncer) and run again.',
  );
  process.exit(2);
}
console.error('Running migrations...');
await runMigrations(databaseUrl);
console.error('Migrations are up to date.');
