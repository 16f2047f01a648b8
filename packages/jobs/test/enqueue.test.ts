import { withTransaction } from '@scaling/db';
import { afterAll, describe, expect, it } from 'vitest';
import { articlePublished, enqueue } from '../src/index.ts';
import { createTestPool, jobRow } from './support/database.ts';
import { buildArticle, buildUser } from './support/factories.ts';
import { type TestPayloads, uniqueKind } from './support/worker-kit.ts';

const pool = createTestPool();
afterAll(() => pool.end());

describe('enqueue', () => {
  it('When a job is enqueued inside a transaction that rolls back, then the job does not exist', async () => {
    const rolledBack = new Error('roll back on purpose');
    let jobId = 0;
    await expect(
      withTransaction(pool, async (client) => {
        jobId = await enqueue<TestPayloads>(client, uniqueKind(), { label: 'rolled back' });
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);

    expect(jobId).toBeGreaterThan(0);
    expect(await jobRow(pool, jobId)).toBeUndefined();
  });

  it('When a job is enqueued inside a transaction that commits, then the job is ready to run', async () => {
    const jobId = await withTransaction(pool, (client) =>
      enqueue<TestPayloads>(client, uniqueKind(), { label: 'committed' }),
    );

    expect(await jobRow(pool, jobId)).toMatchObject({ attempts: 0, finished_at: null, failed_at: null });
  });

  it('When an article is published, then its notify-followers and recompute-popular-tags jobs commit with it', async () => {
    const authorId = await buildUser(pool);
    const articleId = await buildArticle(pool, { authorId });

    const jobs = await withTransaction(pool, async (client) => {
      await articlePublished(client, { id: articleId, authorId });
      // now() is the transaction's start time, so this finds exactly the jobs this transaction enqueued.
      const { rows } = await client.query<{ id: string; kind: string; payload: unknown }>(
        'SELECT id, kind, payload FROM jobs WHERE created_at = now() ORDER BY id',
      );
      return rows;
    });

    expect(jobs.map(({ kind, payload }) => ({ kind, payload }))).toEqual([
      { kind: 'notify-followers', payload: { articleId, authorId } },
      { kind: 'recompute-popular-tags', payload: {} },
    ]);
    for (const job of jobs) expect(await jobRow(pool, Number(job.id))).toBeDefined();
  });
});
