import { randomBytes } from 'node:crypto';
import { runMigrations } from '@scaling/db';
import pg from 'pg';

export interface OwnDatabase {
  url: string;
  /** A pool on the database (it connects on first use). */
  pool: pg.Pool;
  /** Ends the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A migrated database of its own on the shared test server, for a test file whose subject reads or rewrites whole
 * tables (a key ring loads every signing key, the seed truncates): other files' rows would change what it sees.
 * `purpose` names it (`<purpose>_test_<random>`), so a database left behind says which file made it. `migrate`
 * brings it to the schema under test: conduit's unless a service with a database of its own gives its migrations.
 */
export async function createOwnDatabase(
  serverUrl: string,
  purpose: string,
  migrate: (databaseUrl: string) => Promise<unknown> = runMigrations,
): Promise<OwnDatabase> {
  const name = `${purpose}_test_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const pool = new pg.Pool({ connectionString: url.toString(), max: 8 });
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      // pool.end() returns before the server has seen every connection close; FORCE would end them mid-goodbye.
      for (let tries = 0; tries < 50; tries++) {
        const { rows } = await admin.query<{ open: number }>(
          'SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = $1',
          [name],
        );
        if (rows[0]?.open === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    },
  };
}
