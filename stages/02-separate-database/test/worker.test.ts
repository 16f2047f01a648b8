import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoRoot } from '@scaling/stack';
import { describe, expect, it } from 'vitest';
import { conduitClient, poolerUrl, serviceLog, useStage2, withClient } from './support/stage.ts';

const run = promisify(execFile);

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('Stage 2: the worker process', () => {
  const stage = useStage2();

  it('When an article is published through the API, then the worker process, not the app, notifies the followers', async () => {
    const api = conduitClient(stage.apiUrl());
    const [author, follower] = [await api.register(), await api.register()];
    await api.follow(follower.token, author.username);
    const article = await api.publish(author.token);

    const jobId = await waitFor('the notify-followers job to finish', () =>
      withClient(async (client) => {
        const { rows } = await client.query<{ id: string }>(
          `SELECT jobs.id FROM jobs JOIN articles ON articles.id = (jobs.payload->>'articleId')::bigint
           WHERE jobs.kind = 'notify-followers' AND articles.slug = $1 AND jobs.finished_at IS NOT NULL`,
          [article.slug],
        );
        return rows[0] && Number(rows[0].id);
      }),
    );
    const notified = await withClient(async (client) => {
      const { rows } = await client.query<{ username: string }>(
        `SELECT users.username FROM notifications
         JOIN users ON users.id = notifications.user_id JOIN articles ON articles.id = notifications.article_id
         WHERE articles.slug = $1`,
        [article.slug],
      );
      return rows.map((row) => row.username);
    });

    expect(notified).toEqual([follower.username]);
    expect(serviceLog('worker')).toContain(`"jobId":${jobId},"kind":"notify-followers"`);
    expect(serviceLog('app')).not.toContain('Job finished.');
  }, 90_000);

  it("When weekly-digest is enqueued with pnpm jobs, then the worker renders this week's digest with the followed author's article", async () => {
    const api = conduitClient(stage.apiUrl());
    const [author, reader] = [await api.register(), await api.register()];
    await api.follow(reader.token, author.username);
    const article = await api.publish(author.token);

    const { stdout } = await run(
      process.execPath,
      ['packages/jobs/src/cli.ts', 'enqueue', 'weekly-digest', '--database-url', poolerUrl, '--wait'],
      { cwd: repoRoot },
    );

    const digest = await withClient(async (client) => {
      const { rows } = await client.query<{ body: string; article_count: number }>(
        `SELECT digests.body, digests.article_count FROM digests JOIN users ON users.id = digests.user_id
         WHERE users.username = $1 AND digests.week = date_trunc('week', now() AT TIME ZONE 'UTC')::date`,
        [reader.username],
      );
      return rows;
    });
    expect(digest).toEqual([{ body: expect.stringContaining(article.title), article_count: 1 }]);
    expect(serviceLog('worker')).toContain(`"jobId":${Number(stdout.trim())},"kind":"weekly-digest"`);
  }, 180_000);
});
