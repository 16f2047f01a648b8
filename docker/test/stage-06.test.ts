import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { postJson, registerUser } from './api-fixtures.ts';
import { describeDockerStage, origin } from './docker-stage.ts';

const stage = 6;
/** From the outbox through the relay, Kafka and the notifications consumer: seconds normally, this at most. */
const notificationTimeoutMs = 60_000;

function log(message: string): void {
  console.log(`[docker] stage ${stage}: ${message}`);
}

interface NotificationsPage {
  notifications: { type: string; actor: { username: string | null }; article: { slug: string } | null }[];
}

async function notificationsOf(token: string): Promise<{ status: number; page?: NotificationsPage }> {
  const response = await fetch(new URL('/api/notifications?limit=20', origin), {
    headers: { authorization: `Token ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) {
    await response.arrayBuffer();
    return { status: response.status };
  }
  return { status: response.status, page: (await response.json()) as NotificationsPage };
}

/** The author's notification of the comment on that article, once its actor's name is known too. */
function commentNotification(page: NotificationsPage | undefined, slug: string, commenter: string) {
  return page?.notifications.find(
    (candidate) =>
      candidate.type === 'comment.added' &&
      candidate.article?.slug === slug &&
      candidate.actor.username === commenter,
  );
}

describeDockerStage({
  stage,
  entry: 'nginx',
  checks: [
    {
      // A comment rather than a follow and a publish: its recipient (the article's author) travels in the event
      // itself, whereas a follow published a moment before may be consumed after the article (another partition).
      title:
        "When a reader comments on an author's article through the published port, then the notifications service (its own database, fed through the outbox, the relay and Kafka) serves the author that notification through nginx",
      timeoutMs: 120_000,
      async run(stack) {
        const run = randomBytes(4).toString('hex');
        const author = await registerUser(origin, `author-${run}`);
        const commenter = `reader-${run}`;
        const reader = await registerUser(origin, commenter);
        const { article } = await postJson<{ article: { slug: string } }>(
          origin,
          '/api/articles',
          {
            article: {
              title: `Docker notification ${run}`,
              description: 'Commented on to be notified of',
              body: 'Through the outbox, the relay, Kafka and the notifications consumer.',
              tagList: [],
            },
          },
          author.token,
        );
        await postJson(
          origin,
          `/api/articles/${article.slug}/comments`,
          { comment: { body: 'Arrives as a notification.' } },
          reader.token,
        );
        const commentedAt = performance.now();
        const deadline = Date.now() + notificationTimeoutMs;
        let last = await notificationsOf(author.token);
        let notification = commentNotification(last.page, article.slug, commenter);
        while (!notification && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          last = await notificationsOf(author.token);
          notification = commentNotification(last.page, article.slug, commenter);
        }
        log(
          `GET /api/notifications answered ${last.status}; the comment on ${article.slug} ${notification ? `arrived ${Math.round(performance.now() - commentedAt)} ms after it was posted` : `did not arrive: ${JSON.stringify(last.page?.notifications ?? [])}`}`,
        );
        if (!notification) {
          // Where the event stopped: the relay publishing it, the broker, or the consumer turning it into a row.
          for (const service of ['relay', 'kafka', 'notifications']) {
            log(
              `${service}'s last lines:\n${await stack.logs(service, 25).catch((error: Error) => error.message)}`,
            );
          }
        }
        expect(last.status).toBe(200);
        expect(
          notification,
          `the comment's notification, with its actor, within ${notificationTimeoutMs / 1000} s`,
        ).toBeDefined();
      },
    },
  ],
});
