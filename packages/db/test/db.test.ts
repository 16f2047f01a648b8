import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import Fastify from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  isDatabaseUnavailable,
  migrationsDir,
  postgresPlugin,
  runMigrations,
  withTransaction,
} from '../src/index.ts';

const databaseUrl = inject('databaseUrl');
let pool: pg.Pool;

beforeAll(() => {
  pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
});
afterAll(async () => {
  await pool.end();
});

function urlFor(database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

describe('runMigrations', () => {
  it('When three callers migrate a fresh database at once, then all succeed and each migration runs once', async () => {
    const database = `migrate_${randomBytes(4).toString('hex')}`;
    await pool.query(`CREATE DATABASE ${database}`);
    try {
      const url = urlFor(database);
      await Promise.all([runMigrations(url), runMigrations(url), runMigrations(url)]);
      await runMigrations(url);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY id');
        const files = readdirSync(migrationsDir).filter((file) => file.endsWith('.sql'));
        expect(rows.map((row) => `${row.name}.sql`)).toEqual(files.sort());
        const tables = await client.query(
          `SELECT count(*)::int AS count FROM information_schema.tables
            WHERE table_schema = 'public'
              AND table_name IN ('users', 'follows', 'articles', 'tags', 'article_tags', 'favorites', 'comments')`,
        );
        expect(tables.rows[0].count).toBe(7);
      } finally {
        await client.end();
      }
    } finally {
      await pool.query(`DROP DATABASE ${database} WITH (FORCE)`);
    }
  });
});

describe('withTransaction', () => {
  const insertTag = (client: pg.PoolClient, name: string) =>
    client.query('INSERT INTO tags (name) VALUES ($1)', [name]);
  const tagExists = async (name: string) =>
    (await pool.query('SELECT 1 FROM tags WHERE name = $1', [name])).rowCount === 1;

  it('When the function resolves, then its writes are committed and its result returned', async () => {
    const name = `tx_commit_${randomBytes(4).toString('hex')}`;
    const result = await withTransaction(pool, async (client) => {
      await insertTag(client, name);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await tagExists(name)).toBe(true);
  });

  it('When the function throws, then its writes are rolled back and the error rethrown', async () => {
    const name = `tx_rollback_${randomBytes(4).toString('hex')}`;
    const failure = withTransaction(pool, async (client) => {
      await insertTag(client, name);
      throw new Error('boom');
    });
    await expect(failure).rejects.toThrow('boom');
    expect(await tagExists(name)).toBe(false);
  });
});

describe('postgresPlugin', () => {
  it('When registered, then app.pg queries the database and closing the app ends the pool', async () => {
    const app = Fastify({ logger: false });
    await app.register(postgresPlugin, { connectionString: databaseUrl, max: 2 });
    await app.ready();
    const { rows } = await app.pg.query<{ answer: number }>('SELECT 42 AS answer');
    expect(rows[0]?.answer).toBe(42);
    await app.close();
    expect(app.pg.ended).toBe(true);
  });
});

describe('isDatabaseUnavailable', () => {
  it('When nothing listens on the port, then the connection error counts as unavailable', async () => {
    const client = new pg.Client({ connectionString: 'postgres://conduit:conduit@127.0.0.1:1/conduit' });
    const error = await client.connect().then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('When the server terminates the session (as a shutdown does), then the error counts as unavailable', async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    client.on('error', () => {});
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await pool.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
    const error = await client.query('SELECT 1').then(
      () => null,
      (caught: unknown) => caught,
    );
    await client.end().catch(() => {});
    expect(error).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('When a query is wrong, then its error is a bug, not an outage', async () => {
    const error = await pool.query('SELECT * FROM no_such_table').then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
