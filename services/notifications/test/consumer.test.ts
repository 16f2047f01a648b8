import {
  appendEvent,
  articleKey,
  type EventType,
  migrateEvents,
  type Relay,
  startRelay,
  userKey,
} from '@scaling/events';
import { createMetricsRegistry, type Registry } from '@scaling/metrics';
import {
  createOwnDatabase,
  eventually,
  type OwnDatabase,
  startTestKafka,
  type TestKafka,
} from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateNotifications } from '../src/migrations.ts';
import { type AppKeys, startAppKeys } from './support/app-keys.ts';
import { buildArticleEvent, buildPerson, type PersonInput } from './support/factories.ts';
import { buildService, listNotifications } from './support/service.ts';

interface Listed {
  type: string;
  actor: { username: string | null };
  article: { slug: string; title: string } | null;
}

const silent = { info() {}, warn() {}, error() {} };

/**
 * The consumer's effects end to end: events appended to an outbox as the app's repositories do, published by the
 * real relay to a real Kafka broker, consumed by the service into its own Postgres, and read back through its API.
 */
describe('the notifications consumer', { timeout: 60_000 }, () => {
  let kafka: TestKafka;
  let outbox: OwnDatabase;
  let database: OwnDatabase;
  let keys: AppKeys;
  let relay: Relay;
  let metrics: Registry;
  let service: FastifyInstance;

  const startService = async () => {
    metrics = createMetricsRegistry();
    service = await buildService(
      { databaseUrl: database.url, jwksUrl: keys.jwksUrl },
      { events: { brokers: kafka.brokers, retryDelaysMs: [100, 100] }, metrics: { registry: metrics } },
    );
    await service.ready();
  };

  beforeAll(async () => {
    [kafka, outbox, database, keys] = await Promise.all([
      startTestKafka(),
      createOwnDatabase(inject('databaseUrl'), 'notifications_outbox', migrateEvents),
      createOwnDatabase(inject('databaseUrl'), 'notifications', migrateNotifications),
      startAppKeys(inject('databaseUrl')),
    ]);
    relay = await startRelay({
      sources: [{ name: 'app', pool: outbox.pool }],
      brokers: kafka.brokers,
      pollIntervalMs: 50,
      log: silent,
    });
    await startService();
  }, 120_000);
  afterAll(async () => {
    await service?.close();
    await relay?.stop();
    await Promise.all([kafka?.stop(), outbox?.drop(), database?.drop(), keys?.close()]);
  });

  /** What the app's repositories do in a write's transaction: the event goes to the outbox. */
  const publish = (type: EventType, key: string, data: object) =>
    appendEvent(outbox.pool, { type, key, data });

  async function register(person: PersonInput = buildPerson()): Promise<PersonInput> {
    await publish('user.registered', userKey(person.userId), person);
    return person;
  }

  const follow = (follower: PersonInput, followee: PersonInput, type: EventType = 'user.followed') =>
    publish(type, userKey(follower.userId), { followerId: follower.userId, followeeId: followee.userId });

  // Ids and times are the service's own; what the events decide is who is told what.
  const notificationsOf = async (person: PersonInput): Promise<Listed[]> =>
    (await listNotifications(service, keys, person.userId)).map(({ type, actor, article }) => ({
      type,
      actor,
      article,
    }));

  /** Waits until `person`'s list is exactly `expected`: what the events should have led to, and nothing more. */
  const expectNotifications = (person: PersonInput, expected: Listed[]) =>
    eventually(async () => expect(await notificationsOf(person)).toEqual(expected), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });

  it('When an author publishes, then each current follower is notified, and neither a reader who unfollowed nor the author is', async () => {
    const [author, follower, former, stranger] = await Promise.all([
      register(),
      register(),
      register(),
      register(),
    ]);
    await follow(follower, author);
    await follow(former, author);
    await follow(former, author, 'user.unfollowed');
    // On the same key as the unfollow, after it: once the rename shows, the unfollow has been applied too.
    const renamed = { ...former, username: `${former.username}_renamed` };
    await publish('user.updated', userKey(former.userId), renamed);
    // The two follows are on different keys, so either may be applied (and listed) first: compared as a set.
    await eventually(
      async () =>
        expect(await notificationsOf(author)).toEqual(
          expect.arrayContaining([
            { type: 'user.followed', actor: { username: renamed.username }, article: null },
            { type: 'user.followed', actor: { username: follower.username }, article: null },
          ]),
        ),
      { timeoutMs: 30_000, intervalMs: 200 },
    );

    const article = buildArticleEvent({ authorId: author.userId });
    await publish('article.published', articleKey(article.articleId), { ...article, tagList: [] });

    const published = {
      type: 'article.published',
      actor: { username: author.username },
      article: { slug: article.slug, title: article.title },
    };
    await expectNotifications(follower, [published]);
    expect(await notificationsOf(former)).toEqual([]);
    expect(await notificationsOf(stranger)).toEqual([]);
    expect(await notificationsOf(author)).toHaveLength(2);
  });

  it('When others comment on or favorite an article, then its author is notified, but never of what the author did on it', async () => {
    const [author, reader, fan] = await Promise.all([register(), register(), register()]);
    const article = buildArticleEvent({ authorId: author.userId });
    const key = articleKey(article.articleId);
    const comment = (commenter: PersonInput) => ({
      ...article,
      commentId: Math.floor(Math.random() * 1e9) + 1,
      commenterId: commenter.userId,
    });
    await publish('comment.added', key, comment(reader));
    await publish('comment.added', key, comment(author));
    await publish('article.favorited', key, { ...article, userId: author.userId });
    // Last on the article's key: once it shows, the author's own comment and favorite were applied before it.
    await publish('article.favorited', key, { ...article, userId: fan.userId });

    const about = { slug: article.slug, title: article.title };
    await expectNotifications(author, [
      { type: 'article.favorited', actor: { username: fan.username }, article: about },
      { type: 'comment.added', actor: { username: reader.username }, article: about },
    ]);
  });

  it('When an article is renamed and then deleted, then its notifications follow the new title and then disappear', async () => {
    const [author, fan] = await Promise.all([register(), register()]);
    const article = buildArticleEvent({ authorId: author.userId });
    const key = articleKey(article.articleId);
    await publish('article.favorited', key, { ...article, userId: fan.userId });
    const renamed = { ...article, slug: `${article.slug}-v2`, title: `${article.title} v2` };
    await publish('article.updated', key, { ...renamed, tagList: [] });
    await expectNotifications(author, [
      {
        type: 'article.favorited',
        actor: { username: fan.username },
        article: { slug: renamed.slug, title: renamed.title },
      },
    ]);

    await publish('article.deleted', key, { articleId: article.articleId, authorId: author.userId });
    await expectNotifications(author, []);
  });

  it('When the relay publishes an event again, then the redelivery notifies nobody twice', async () => {
    const [author, fan, sentinel] = await Promise.all([register(), register(), register()]);
    const article = buildArticleEvent({ authorId: author.userId });
    const key = articleKey(article.articleId);
    const eventId = await publish('article.favorited', key, { ...article, userId: fan.userId });
    const about = { slug: article.slug, title: article.title };
    await expectNotifications(author, [
      { type: 'article.favorited', actor: { username: fan.username }, article: about },
    ]);

    // As after a relay crash between sending a batch and marking it sent.
    await outbox.pool.query('UPDATE outbox SET published_at = NULL WHERE event_id = $1', [eventId]);
    await publish('article.favorited', key, { ...article, userId: sentinel.userId });

    await expectNotifications(author, [
      { type: 'article.favorited', actor: { username: sentinel.username }, article: about },
      { type: 'article.favorited', actor: { username: fan.username }, article: about },
    ]);
  });

  it('When an event does not carry the data its type promises, then it is dead-lettered after 3 tries and the events behind it still arrive', async () => {
    const [author, fan] = await Promise.all([register(), register()]);
    const article = buildArticleEvent({ authorId: author.userId });
    const deadLettered = () => deadLetteredCount(metrics);
    const before = await deadLettered();
    const { authorId: _missing, ...withoutAuthor } = article;
    await publish('comment.added', articleKey(article.articleId), {
      ...withoutAuthor,
      commenterId: fan.userId,
      commentId: 1,
    });
    const other = buildArticleEvent({ authorId: author.userId });
    await publish('article.favorited', articleKey(other.articleId), { ...other, userId: fan.userId });

    await expectNotifications(author, [
      {
        type: 'article.favorited',
        actor: { username: fan.username },
        article: { slug: other.slug, title: other.title },
      },
    ]);
    await eventually(async () => expect(await deadLettered()).toBe(before + 1), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
  });

  it('When the service was down while the app wrote, then the events waited in Kafka and it catches up when it starts again', async () => {
    const [author, fan] = await Promise.all([register(), register()]);
    await service.close();

    const articles = [1, 2, 3].map(() => buildArticleEvent({ authorId: author.userId }));
    for (const article of articles) {
      await publish('article.favorited', articleKey(article.articleId), { ...article, userId: fan.userId });
    }
    await startService();

    const titles = async () =>
      (await notificationsOf(author)).map((notification) => notification.article?.title);
    await eventually(
      async () => expect((await titles()).sort()).toEqual(articles.map((article) => article.title).sort()),
      {
        timeoutMs: 30_000,
        intervalMs: 200,
      },
    );
  });
});

async function deadLetteredCount(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric('events_consumed_total')?.get();
  return metric?.values.find((value) => value.labels.outcome === 'dead_lettered')?.value ?? 0;
}
