import { afterAll, describe, expect, it } from 'vitest';
import { enqueue, recomputePopularTags } from '../src/index.ts';
import { createTestPool, jobRow } from './support/database.ts';
import { buildArticle, buildUser, uniqueName } from './support/factories.ts';
import { claimedJob, silentLogger, type TestPayloads, uniqueKind } from './support/worker-kit.ts';

const pool = createTestPool();
afterAll(() => pool.end());

async function popularCounts(tags: string[]): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ tag: string; article_count: number }>(
    'SELECT tag, article_count FROM popular_tags WHERE tag = ANY($1)',
    [tags],
  );
  return Object.fromEntries(rows.map((row) => [row.tag, row.article_count]));
}

describe('recompute-popular-tags', () => {
  it('When it runs, then popular_tags holds each tag with the number of its articles, and drops tags left unused', async () => {
    const authorId = await buildUser(pool);
    const [common, rare] = [uniqueName('common'), uniqueName('rare')];
    await buildArticle(pool, { authorId, tags: [common, rare] });
    await buildArticle(pool, { authorId, tags: [common] });
    const lastCommon = await buildArticle(pool, { authorId, tags: [common] });
    const context = { pool, logger: silentLogger, job: claimedJob() };

    await recomputePopularTags({}, context);
    expect(await popularCounts([common, rare])).toEqual({ [common]: 3, [rare]: 1 });

    await pool.query('DELETE FROM article_tags WHERE tag_id = (SELECT id FROM tags WHERE name = $1)', [rare]);
    await pool.query('DELETE FROM articles WHERE id = $1', [lastCommon]);
    await recomputePopularTags({}, context);
    expect(await popularCounts([common, rare])).toEqual({ [common]: 2 });
  });

  it('When recomputes of the same kind are queued behind the running one, then they are finished by it', async () => {
    const kind = uniqueKind();
    const queued = [
      await enqueue<TestPayloads>(pool, kind, { label: 'first' }),
      await enqueue<TestPayloads>(pool, kind, { label: 'second' }),
    ];
    const running = await enqueue<TestPayloads>(pool, kind, { label: 'running' });

    await recomputePopularTags({}, { pool, logger: silentLogger, job: claimedJob({ id: running, kind }) });

    for (const id of queued) expect((await jobRow(pool, id))?.finished_at).toBeInstanceOf(Date);
    expect((await jobRow(pool, running))?.finished_at).toBeNull();
  });
});
