import { randomBytes } from 'node:crypto';
import { runMigrations } from '@scaling/db';
import pg from 'pg';

/** A migrated database of its own on the shared test server, since the seed truncates whole tables. */
export async function createOwnDatabase(serverUrl: string) {
  const name = `seed_test_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    },
  };
}
