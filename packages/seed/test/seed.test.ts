import { createOwnDatabase, type OwnDatabase } from '@scaling/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makePlan, seedEmailDomain } from '../src/plan.ts';
import { SeedDataPresentError, seed } from '../src/seed.ts';

const scale = 0.1;

describe('seed', () => {
  let database: OwnDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createOwnDatabase(inject('databaseUrl'), 'seed');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  const count = async (sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0]?.n);
  const fingerprint = async () => {
    const tables = {
      users: 'SELECT username, email, bio, image, created_at FROM users ORDER BY id',
      articles:
        'SELECT slug, title, description, body, author_id, favorites_count, created_at FROM articles ORDER BY id',
      tags: 'SELECT name FROM tags ORDER BY id',
      article_tags: 'SELECT article_id, tag_id FROM article_tags ORDER BY 1, 2',
      follows: 'SELECT follower_id, followee_id, created_at FROM follows ORDER BY 1, 2',
      favorites: 'SELECT user_id, article_id, created_at FROM favorites ORDER BY 1, 2',
      comments: 'SELECT article_id, author_id, body, created_at FROM comments ORDER BY id',
    };
    const result: Record<string, string> = {};
    for (const [table, sql] of Object.entries(tables)) {
      const { rows } = await client.query(`SELECT md5(string_agg(t::text, '|')) AS digest FROM (${sql}) t`);
      result[table] = rows[0].digest;
    }
    return result;
  };

  it('When seeding twice with the same seed (with reset), then the data is identical; another seed differs', async () => {
    const progress: string[] = [];
    const summary = await seed({
      databaseUrl: database.url,
      scale,
      seed: 7,
      reset: true,
      onProgress: (p) => p.done && progress.push(p.table),
    });
    expect(progress).toEqual([
      'users',
      'tags',
      'articles',
      'article_tags',
      'follows',
      'favorites',
      'comments',
    ]);
    expect(summary.rows.users).toBe(200);
    const first = await fingerprint();
    await seed({ databaseUrl: database.url, scale, seed: 7, reset: true });
    expect(await fingerprint()).toEqual(first);
    await seed({ databaseUrl: database.url, scale, seed: 8, reset: true });
    const other = await fingerprint();
    expect(other.articles).not.toEqual(first.articles);
    expect(other.favorites).not.toEqual(first.favorites);
  });

  it('When seeded, then counts match the plan and favorites_count matches the favorites table', async () => {
    await seed({ databaseUrl: database.url, scale, seed: 3, reset: true });
    const plan = makePlan(3, scale);
    expect(await count('SELECT count(*) AS n FROM users')).toBe(plan.userCount);
    expect(await count('SELECT count(*) AS n FROM articles')).toBe(plan.articleCount);
    expect(
      await count(`SELECT count(*) AS n FROM articles a
        WHERE a.favorites_count <> (SELECT count(*) FROM favorites f WHERE f.article_id = a.id)`),
    ).toBe(0);
    expect(await count('SELECT count(*) AS n FROM follows WHERE follower_id = followee_id')).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM users WHERE email NOT LIKE '%@${seedEmailDomain}'`)).toBe(
      0,
    );
    expect(await count('SELECT count(DISTINCT article_id) AS n FROM article_tags')).toBeGreaterThan(
      plan.articleCount / 2,
    );
  });

  it('When seeded, then favorites are concentrated and follower counts are heavy-tailed', async () => {
    await seed({ databaseUrl: database.url, scale: 0.5, seed: 5, reset: true });
    const share = await client.query<{ share: number }>(`
      WITH ranked AS (SELECT favorites_count, ntile(5) OVER (ORDER BY favorites_count DESC) AS fifth FROM articles)
      SELECT (sum(favorites_count) FILTER (WHERE fifth = 1))::float / sum(favorites_count) AS share FROM ranked`);
    expect(share.rows[0]?.share).toBeGreaterThanOrEqual(0.7);
    const followers = await client.query<{ max: number; median: number }>(`
      WITH counts AS (
        SELECT u.id, count(f.follower_id)::int AS n FROM users u LEFT JOIN follows f ON f.followee_id = u.id GROUP BY u.id)
      SELECT max(n) AS max, percentile_disc(0.5) WITHIN GROUP (ORDER BY n) AS median FROM counts`);
    const { max, median } = followers.rows[0] as { max: number; median: number };
    expect(max).toBeGreaterThan(50 * Math.max(1, median));
  });

  it('When the database already holds seed data and no reset is asked, then the seed refuses and changes nothing', async () => {
    await seed({ databaseUrl: database.url, scale, seed: 1, reset: true });
    const before = await fingerprint();
    await expect(seed({ databaseUrl: database.url, scale, seed: 2 })).rejects.toThrow(SeedDataPresentError);
    expect(await fingerprint()).toEqual(before);
  });

  it('When the database holds other users and tags, then the seed loads next to them and new rows get fresh ids', async () => {
    await client.query('TRUNCATE users, tags RESTART IDENTITY CASCADE');
    await client.query(
      `INSERT INTO users (username, email, password_hash) VALUES ('jake', 'jake@example.com', 'x')`,
    );
    await client.query(`INSERT INTO tags (name) VALUES ('javascript'), ('dragons')`);
    await seed({ databaseUrl: database.url, scale, seed: 1 });
    expect(await count(`SELECT count(*) AS n FROM tags WHERE name = 'javascript'`)).toBe(1);
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO users (username, email, password_hash) VALUES ('later', 'later@example.com', 'x') RETURNING id`,
    );
    expect(Number(inserted.rows[0]?.id)).toBe(makePlan(1, scale).userCount + 2);
  });
});
