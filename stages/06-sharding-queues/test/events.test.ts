import { stackStartService, stackStopService } from '@scaling/stack';
import { ask, asUser, buildComment, eventually, publish } from '@scaling/testing';
import { describe, expect, it } from 'vitest';
import {
  follow,
  notificationsOf,
  notifiedSlugs,
  queryServer,
  signUp,
  useStage6,
} from './support/booted-stage.ts';

const stage = useStage6();
const quiet = { output: () => {} };

describe('Stage 6 booted natively: events through the outbox, Kafka and the notifications service', () => {
  it('When an author a reader follows publishes, then the reader finds the notification at /api/notifications through nginx', async () => {
    const [reader, author] = [await signUp(stage.apiUrl()), await signUp(stage.apiUrl())];
    await follow(stage.apiUrl(), reader, author);

    const article = await publish(stage.apiUrl(), author.token);
    // The author's name comes from their registration event, which may be applied after the article's.
    const page = await eventually(
      async () => {
        const answer = await notificationsOf(stage.apiUrl(), reader);
        expect(answer.body.notifications).toContainEqual(
          expect.objectContaining({
            type: 'article.published',
            actor: { username: author.username },
            article: expect.objectContaining({ slug: article.slug }),
          }),
        );
        return answer;
      },
      { timeoutMs: 30_000 },
    );

    expect(page.status).toBe(200);
  }, 40_000);

  it('When the notifications service is stopped, then the API still publishes, comments and favorites, and the notifications arrive once it is back', async () => {
    const [reader, author] = [await signUp(stage.apiUrl()), await signUp(stage.apiUrl())];
    await follow(stage.apiUrl(), reader, author);

    await stackStopService(6, 'notifications', quiet);
    let whileDown: {
      published: string;
      commented: number;
      favorited: number;
      notifications: number;
      notificationsErrors: string[];
    };
    try {
      const article = await publish(stage.apiUrl(), author.token);
      const commented = await ask(stage.apiUrl(), `/articles/${article.slug}/comments`, {
        method: 'POST',
        headers: asUser(reader.token),
        body: { comment: buildComment() },
      });
      const favorited = await ask(stage.apiUrl(), `/articles/${article.slug}/favorite`, {
        method: 'POST',
        headers: asUser(reader.token),
      });
      const notifications = await notificationsOf(stage.apiUrl(), reader);
      whileDown = {
        published: article.slug,
        commented: commented.status,
        favorited: favorited.status,
        notifications: notifications.status,
        notificationsErrors: Object.keys((notifications.body as { errors?: object }).errors ?? {}),
      };
    } finally {
      await stackStartService(6, 'notifications', quiet);
    }
    const slugs = await eventually(
      async () => {
        const notified = await notifiedSlugs(stage.apiUrl(), reader);
        expect(notified).toContain(whileDown.published);
        return notified;
      },
      { timeoutMs: 30_000 },
    );
    const authorWasTold = await eventually(
      async () => {
        const page = await notificationsOf(stage.apiUrl(), author);
        const types = page.body.notifications.map((notification) => notification.type).sort();
        expect(types).toEqual(['article.favorited', 'comment.added', 'user.followed']);
        return types;
      },
      { timeoutMs: 30_000 },
    );

    expect(whileDown).toMatchObject({
      commented: 201,
      favorited: 200,
      notifications: 503,
      notificationsErrors: ['notifications'],
    });
    expect(slugs).toEqual([whileDown.published]);
    expect(authorWasTold).toHaveLength(3);
  }, 90_000);

  it('When Kafka is stopped, then writes still succeed, their events wait in the outbox, and they arrive after Kafka restarts', async () => {
    const [reader, author] = [await signUp(stage.apiUrl()), await signUp(stage.apiUrl())];
    await follow(stage.apiUrl(), reader, author);

    await stackStopService(6, 'kafka', quiet);
    let published: string[] = [];
    let waiting = 0;
    try {
      published = (await Promise.all([1, 2, 3].map(() => publish(stage.apiUrl(), author.token)))).map(
        (article) => article.slug,
      );
      waiting = await unpublishedOutboxRows(published);
    } finally {
      await stackStartService(6, 'kafka', quiet);
    }
    const notified = await eventually(
      async () => {
        const slugs = await notifiedSlugs(stage.apiUrl(), reader);
        expect([...slugs].sort()).toEqual([...published].sort());
        return slugs;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );

    expect(waiting).toBe(3);
    expect(notified).toHaveLength(3);
  }, 120_000);
});

/** Outbox rows not yet published for these articles' publication, summed over the shards. */
async function unpublishedOutboxRows(slugs: string[]): Promise<number> {
  let total = 0;
  for (const shard of ['shard1', 'shard2', 'shard3']) {
    const [row] = await queryServer<{ count: number }>(
      shard,
      `SELECT count(*)::int AS count FROM outbox
        WHERE published_at IS NULL AND type = 'article.published' AND payload ->> 'slug' = ANY ($1)`,
      [slugs],
    );
    total += row?.count ?? 0;
  }
  return total;
}
