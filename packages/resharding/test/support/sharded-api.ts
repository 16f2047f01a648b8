import { buildConduitApp } from '@scaling/conduit';
import { runMigrations } from '@scaling/db';
import { createMemorySessionStore } from '@scaling/sessions';
import { createShardedRepositories, migrateGlobal, migrateShard, shardsPlugin } from '@scaling/shards';
import { buildArticle, buildComment, buildUser, createOwnDatabase, type OwnDatabase } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { expect } from 'vitest';

/** How often the app's router re-reads the ring and the moves: the resharding waits two of these. */
export const routingRefreshMs = 100;

export interface ShardedStage {
  global: OwnDatabase;
  shards: Record<string, pg.Pool>;
  /** The API on @scaling/shards' repositories, wired as stage 6 wires it, with a pool for every shard given. */
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * A global database whose ring holds `active` shards, one database per shard in `names` (all migrated as the migrate
 * CLI does), and the API over them: what the stage's app replicas are, in one process.
 */
export async function startShardedStage(
  serverUrl: string,
  names: readonly string[],
  active: readonly string[],
): Promise<ShardedStage> {
  const global = await createOwnDatabase(serverUrl, 'resharding_global', async (url) => {
    await runMigrations(url);
    await migrateGlobal(url, { initialShards: active });
  });
  const databases = await Promise.all(
    names.map((name) => createOwnDatabase(serverUrl, `resharding_${name}`, (url) => migrateShard(url, name))),
  );
  const app = await buildConduitApp({
    logLevel: 'silent',
    database: { connectionString: global.url, max: 8 },
    clients: async (app) => {
      await app.register(shardsPlugin, {
        shards: names.map((name, index) => ({ name, url: databases[index]?.url ?? '' })),
        global: app.pg,
        virtualNodes: 128,
        refreshMs: routingRefreshMs,
        pool: { max: 6 },
      });
    },
    repositories: (database, app) =>
      createShardedRepositories({ global: database.primary, shards: app.shards }),
    conduit: { sessions: createMemorySessionStore() },
  });
  await app.ready();
  return {
    global,
    shards: Object.fromEntries(names.map((name, index) => [name, databases[index]?.pool as pg.Pool])),
    app,
    async close() {
      await app.close();
      await Promise.all([global.drop(), ...databases.map((database) => database.drop())]);
    },
  };
}

export interface Client {
  id: number;
  username: string;
  token: string;
}

const auth = (client: Client) => ({ authorization: `Token ${client.token}` });

export async function register(stage: ShardedStage): Promise<Client> {
  const user = buildUser();
  const response = await stage.app.inject({ method: 'POST', url: '/api/users', payload: { user } });
  expect(response.statusCode, response.body).toBe(201);
  const { rows } = await stage.global.pool.query<{ id: number }>(
    'SELECT id::float8 AS id FROM users WHERE username = $1',
    [user.username],
  );
  return { id: rows[0]?.id as number, username: user.username, token: response.json().user.token };
}

/** What one request got: whether it did what it should and, when not, what the API answered. */
export interface Answer {
  what: string;
  ok: boolean;
  detail: string;
}

const answer = (what: string, response: { statusCode: number; body: string }, expected: number): Answer => ({
  what,
  ok: response.statusCode === expected,
  detail: `HTTP ${response.statusCode} ${response.body.slice(0, 200)}`,
});

export async function publish(stage: ShardedStage, author: Client): Promise<Answer & { slug?: string }> {
  const response = await stage.app.inject({
    method: 'POST',
    url: '/api/articles',
    headers: auth(author),
    payload: { article: buildArticle({ tagList: ['resharding'] }) },
  });
  return {
    ...answer('publish', response, 201),
    ...(response.statusCode === 201 ? { slug: response.json().article.slug as string } : {}),
  };
}

export async function comment(stage: ShardedStage, reader: Client, slug: string): Promise<Answer> {
  const response = await stage.app.inject({
    method: 'POST',
    url: `/api/articles/${slug}/comments`,
    headers: auth(reader),
    payload: { comment: buildComment() },
  });
  return answer('comment', response, 201);
}

export async function favorite(stage: ShardedStage, reader: Client, slug: string): Promise<Answer> {
  const response = await stage.app.inject({
    method: 'POST',
    url: `/api/articles/${slug}/favorite`,
    headers: auth(reader),
  });
  return answer('favorite', response, 200);
}

/** An article by slug, then its author's list: both must find what exists, whatever shard it is on right now. */
export async function readBack(stage: ShardedStage, slug: string, author: Client): Promise<Answer[]> {
  const article = await stage.app.inject({ method: 'GET', url: `/api/articles/${slug}` });
  const list = await stage.app.inject({
    method: 'GET',
    url: `/api/articles?author=${encodeURIComponent(author.username)}`,
  });
  const listed = answer("read author's list", list, 200);
  return [
    answer('read article', article, 200),
    { ...listed, ok: listed.ok && list.json().articlesCount > 0 },
  ];
}
