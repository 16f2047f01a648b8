import {
  type Author,
  buildShardedApp,
  createShardedDatabases,
  registerAuthor,
  tokenHeader,
} from '@scaling/shards/testing';
import { buildArticle, buildComment, type OwnDatabase } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';

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
 * A global database whose ring holds `active` shards, one database per shard in `names`, and the API over them
 * (@scaling/shards' own test stage): what the stage's app replicas are, in one process.
 */
export async function startShardedStage(
  names: readonly string[],
  active: readonly string[],
): Promise<ShardedStage> {
  const databases = await createShardedDatabases(names, active);
  const app = await buildShardedApp(databases, { refreshMs: routingRefreshMs, poolMax: 6 });
  return {
    global: databases.global,
    shards: Object.fromEntries(Object.entries(databases.shards).map(([name, shard]) => [name, shard.pool])),
    app,
    async close() {
      await app.close();
      await databases.drop();
    },
  };
}

export type Client = Author;

export const register = (stage: ShardedStage): Promise<Client> => registerAuthor(stage.app, stage.global);

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
    headers: tokenHeader(author.token),
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
    headers: tokenHeader(reader.token),
    payload: { comment: buildComment() },
  });
  return answer('comment', response, 201);
}

export async function favorite(stage: ShardedStage, reader: Client, slug: string): Promise<Answer> {
  const response = await stage.app.inject({
    method: 'POST',
    url: `/api/articles/${slug}/favorite`,
    headers: tokenHeader(reader.token),
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
