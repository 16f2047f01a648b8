import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createOwnDatabase, type OwnDatabase, runCli } from '@scaling/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { idRangeOf } from '../src/index.ts';

const cli = fileURLToPath(new URL('../src/migrate-cli.ts', import.meta.url));
// The global database and three shards, each migrated in turn.
const migrateAll = (environment: Record<string, string>) => runCli(cli, environment, { timeoutMs: 60_000 });

const unmigrated = async () => {};
const app = {
  name: `shards_app_${randomBytes(4).toString('hex')}`,
  password: `pw-${randomBytes(8).toString('hex')}`,
};
let global: OwnDatabase;
let shards: OwnDatabase[];
let environment: Record<string, string>;

beforeAll(async () => {
  const server = inject('databaseUrl');
  [global, ...shards] = await Promise.all([
    createOwnDatabase(server, 'shards_cli_global', unmigrated),
    createOwnDatabase(server, 'shards_cli_shard1', unmigrated),
    createOwnDatabase(server, 'shards_cli_shard2', unmigrated),
  ]);
  environment = {
    DATABASE_URL: global.url,
    SHARD_MIGRATION_URLS: shards.map((shard, index) => `shard${index + 1}=${shard.url}`).join(','),
    APP_DATABASE_USER: app.name,
    APP_DATABASE_PASSWORD: app.password,
  };
});

afterAll(async () => {
  await Promise.all([global, ...shards].map((database) => database?.drop()));
  const owner = new pg.Client({ connectionString: inject('databaseUrl') });
  await owner.connect();
  await owner.query(`DROP ROLE IF EXISTS ${owner.escapeIdentifier(app.name)}`);
  await owner.end();
});

describe('the shards migrate CLI', () => {
  it('When it runs twice on empty databases, then the ring holds the initial shards once, each shard draws ids from its range, and the app role reaches the tables but not the migrations’ bookkeeping', async () => {
    const first = await migrateAll(environment);
    const second = await migrateAll(environment);

    expect(first, first.stderr).toMatchObject({ code: 0 });
    expect(second, second.stderr).toMatchObject({ code: 0 });
    expect(second.stderr).toContain('Migrating shard2 (2 of 2)...');
    const ring = await global.pool.query('SELECT name, state FROM shard_ring ORDER BY name');
    expect(ring.rows).toEqual([
      { name: 'shard1', state: 'active' },
      { name: 'shard2', state: 'active' },
    ]);
    const { rows } = await (shards[1] as OwnDatabase).pool.query<{ id: string }>(
      `INSERT INTO articles (slug, title, description, body, author_id) VALUES ('s', 't', 'd', 'b', 1) RETURNING id::text`,
    );
    expect(Number(rows[0]?.id)).toBe(idRangeOf('shard2').first);
    const asApp = new URL((shards[0] as OwnDatabase).url);
    asApp.username = app.name;
    asApp.password = app.password;
    const client = new pg.Client({ connectionString: asApp.toString() });
    await client.connect();
    try {
      await expect(client.query('SELECT count(*) FROM outbox')).resolves.toBeDefined();
      await expect(client.query('SELECT count(*) FROM pgmigrations_shards')).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await client.end();
    }
  });

  it('When a shard entry has no name, then it stops before migrating and says how to write the list', async () => {
    const { code, stderr } = await migrateAll({
      ...environment,
      SHARD_MIGRATION_URLS: (shards[0] as OwnDatabase).url,
    });

    expect(code).toBe(2);
    expect(stderr).toContain('write each shard as name=postgres://');
  });
});
