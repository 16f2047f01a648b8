import { randomBytes } from 'node:crypto';
import { runMigrations } from '@scaling/db';
import pg from 'pg';

export interface TokensDatabase {
  url: string;
  pool: pg.Pool;
  /** Ends the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A migrated database of its own on the shared test server: a key ring sees every row of signing_keys, so the
 * tests that count keys cannot share the table with other files' apps.
 */
export async function createTokensDatabase(serverUrl: string): Promise<TokensDatabase> {
  const name = `tokens_test_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
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
