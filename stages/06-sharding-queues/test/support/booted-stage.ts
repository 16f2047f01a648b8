import { loadPlan, stackDown, stackStatus, superuserUrl } from '@scaling/stack';
import { type Answer, ask, asUser, buildUser, useNativeStage } from '@scaling/testing';
import pg from 'pg';
import { beforeAll, expect } from 'vitest';

/** Stage 6 booted natively once for all its test files (they leave it as they found it: every service running). */
export function useStage6(): { apiUrl: () => string } {
  // A stage stopped with its data (a resharded ring, a broker's backlog, a variant in its run settings) would make
  // these tests check that state instead of the compose file: unless an earlier file of the run left the stage up,
  // it boots from nothing.
  beforeAll(async () => {
    const statuses = await stackStatus(6, { output: () => {} });
    if (!statuses.some((status) => status.state === 'ready')) {
      await stackDown(6, { volumes: true, output: () => {} });
    }
  }, 60_000);
  // Login counts live in the Redis, the events in Kafka: the next stage's files must inherit neither.
  return useNativeStage(6, { shared: true, volumes: true });
}

export interface SignedIn {
  username: string;
  token: string;
}

/** Registers a new user through nginx; their access token. */
export async function signUp(apiUrl: string): Promise<SignedIn> {
  const registered = await ask<{ user: SignedIn }>(apiUrl, '/users', {
    method: 'POST',
    body: { user: buildUser() },
  });
  expect(registered.status).toBe(201);
  return registered.body.user;
}

/**
 * `reader` follows `author` through nginx. No wait for the notifications service: an article published right after
 * may be applied before the follow, and the service must still tell the reader of it (its look-back on follow).
 */
export async function follow(apiUrl: string, reader: SignedIn, author: SignedIn): Promise<void> {
  const followed = await ask(apiUrl, `/profiles/${author.username}/follow`, {
    method: 'POST',
    headers: asUser(reader.token),
  });
  expect(followed.status).toBe(200);
}

export interface NotificationsPage {
  notifications: { type: string; actor: { username: string | null }; article: { slug: string } | null }[];
  notificationsCount: number;
}

/** The reader's notifications, as the notifications service serves them through nginx. */
export function notificationsOf(apiUrl: string, reader: SignedIn): Promise<Answer<NotificationsPage>> {
  return ask<NotificationsPage>(apiUrl, '/notifications?limit=100', { headers: asUser(reader.token) });
}

/** The slugs of the articles whose publication `reader` was notified of; fails until the service answers. */
export async function notifiedSlugs(apiUrl: string, reader: SignedIn): Promise<string[]> {
  const page = await notificationsOf(apiUrl, reader);
  expect(page.status).toBe(200);
  return page.body.notifications
    .filter((notification) => notification.type === 'article.published')
    .map((notification) => notification.article?.slug ?? '');
}

/**
 * A query on one of the stage's Postgres servers (`postgres`, `shard1`, ...), directly and as the schema's owner,
 * at the native address its plan gives it.
 */
export async function queryServer<Row extends pg.QueryResultRow>(
  server: string,
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const cluster = loadPlan(6).services.find((service) => service.name === server)?.postgres;
  if (!cluster) throw new Error(`Stage 6's compose file has no Postgres server "${server}".`);
  const client = new pg.Client({
    connectionString: superuserUrl(cluster, cluster.database),
    connectionTimeoutMillis: 5_000,
    query_timeout: 10_000,
  });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}
