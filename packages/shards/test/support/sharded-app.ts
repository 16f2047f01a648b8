import { buildConduitApp, type ConduitHooks } from '@scaling/conduit';
import { runMigrations } from '@scaling/db';
import type { Registry } from '@scaling/metrics';
import { createMemorySessionStore } from '@scaling/sessions';
import { buildArticle, buildUser, createOwnDatabase, type OwnDatabase } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { expect, inject } from 'vitest';
import { createShardedRepositories, migrateGlobal, migrateShard, shardsPlugin } from '../../src/index.ts';

export const shardNames = ['shard1', 'shard2', 'shard3'] as const;

export interface ShardedDatabases {
  global: OwnDatabase;
  shards: Record<string, OwnDatabase>;
  drop(): Promise<void>;
}

/**
 * A global database and one database per shard in `names` on the test server, migrated as the migrate CLI does; the
 * ring holds the `active` ones (all unless given: a resharding test leaves the shard it adds out).
 */
export async function createShardedDatabases(
  names: readonly string[] = shardNames,
  active: readonly string[] = names,
): Promise<ShardedDatabases> {
  const server = inject('databaseUrl');
  const global = await createOwnDatabase(server, 'shards_global', async (url) => {
    await runMigrations(url);
    await migrateGlobal(url, { initialShards: active });
  });
  const shards = Object.fromEntries(
    await Promise.all(
      names.map(
        async (name) =>
          [
            name,
            await createOwnDatabase(server, `shards_${name}`, (url) => migrateShard(url, name)),
          ] as const,
      ),
    ),
  );
  return {
    global,
    shards,
    async drop() {
      await Promise.all([global.drop(), ...Object.values(shards).map((shard) => shard.drop())]);
    },
  };
}

export interface ShardedAppOptions {
  metrics?: Registry;
  hooks?: ConduitHooks;
  /** How often the router re-reads the ring and the moves (default 100 ms: a test of a move waits for two). */
  refreshMs?: number;
  poolMax?: number;
  /** Where log lines go, for a test that reads them back (silent otherwise). */
  logStream?: { write(line: string): void };
}

/**
 * The API on sharded repositories, wired as stage 6 wires it, through conduit's one composition function. Exported
 * as `@scaling/shards/testing` with the rest of this file, for other packages' tests of the shards (resharding).
 */
export async function buildShardedApp(
  databases: ShardedDatabases,
  options: ShardedAppOptions = {},
): Promise<FastifyInstance> {
  const app = await buildConduitApp({
    logLevel: options.logStream ? 'info' : 'silent',
    ...(options.logStream ? { logStream: options.logStream } : {}),
    database: { connectionString: databases.global.url, max: 6 },
    clients: async (app) => {
      await app.register(shardsPlugin, {
        shards: Object.entries(databases.shards).map(([name, shard]) => ({ name, url: shard.url })),
        global: app.pg,
        virtualNodes: 128,
        refreshMs: options.refreshMs ?? 100,
        pool: { max: options.poolMax ?? 4 },
        ...(options.metrics ? { metrics: options.metrics } : {}),
      });
    },
    repositories: (database, app) =>
      createShardedRepositories({ global: database.primary, shards: app.shards }),
    conduit: { sessions: createMemorySessionStore(), ...(options.hooks ? { hooks: options.hooks } : {}) },
  });
  await app.ready();
  return app;
}

export const tokenHeader = (token: string) => ({ authorization: `Token ${token}` });

export interface Author {
  id: number;
  username: string;
  token: string;
}

export async function registerAuthor(app: FastifyInstance, global: OwnDatabase): Promise<Author> {
  const user = buildUser();
  const response = await app.inject({ method: 'POST', url: '/api/users', payload: { user } });
  expect(response.statusCode, response.body).toBe(201);
  const { rows } = await global.pool.query<{ id: number }>(
    'SELECT id::float8 AS id FROM users WHERE username = $1',
    [user.username],
  );
  return { id: rows[0]?.id as number, username: user.username, token: response.json().user.token };
}

export async function publishArticle(
  app: FastifyInstance,
  author: Author,
  overrides: Parameters<typeof buildArticle>[0] = {},
): Promise<{ slug: string; title: string; tagList: string[]; createdAt: string }> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/articles',
    headers: tokenHeader(author.token),
    payload: { article: buildArticle(overrides) },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().article;
}

/** Authors registered until each shard holds at least `perShard` of them, grouped by the shard the ring names. */
export async function authorsOnEveryShard(
  app: FastifyInstance,
  databases: ShardedDatabases,
  perShard = 1,
): Promise<Map<string, Author[]>> {
  const byShard = new Map<string, Author[]>(Object.keys(databases.shards).map((name) => [name, []]));
  for (let attempt = 0; attempt < 200; attempt++) {
    if ([...byShard.values()].every((authors) => authors.length >= perShard)) return byShard;
    const author = await registerAuthor(app, databases.global);
    byShard.get(app.shards.router.shardOf(author.id))?.push(author);
  }
  throw new Error(`200 registrations did not put ${perShard} author(s) on every shard: is the ring seeded?`);
}
