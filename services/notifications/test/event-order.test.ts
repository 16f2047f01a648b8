import type { ConduitEvent } from '@scaling/events';
import { createOwnDatabase, type OwnDatabase } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyEvent } from '../src/event-effects.ts';
import { migrateNotifications } from '../src/migrations.ts';
import { type AppKeys, startAppKeys } from './support/app-keys.ts';
import {
  type ArticleEventInput,
  buildArticleEvent,
  buildEvent,
  buildPerson,
  type PersonInput,
} from './support/factories.ts';
import { buildService, listNotifications } from './support/service.ts';

/** Second `second` of the scenario's clock: what the app's servers stamped on each event. */
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, second)).toISOString();

/**
 * Follows (keyed by the follower) and articles (keyed by the article) reach the consumer in either order. Each test
 * applies the events in the order under test, as the consumer would, and reads the follower's page through the API.
 */
describe('the notifications of articles, whatever the order of follows and articles', () => {
  let database: OwnDatabase;
  let keys: AppKeys;
  let service: FastifyInstance;

  beforeAll(async () => {
    [database, keys] = await Promise.all([
      createOwnDatabase(inject('databaseUrl'), 'notifications_order', migrateNotifications),
      startAppKeys(inject('databaseUrl')),
    ]);
    service = await buildService({ databaseUrl: database.url, jwksUrl: keys.jwksUrl });
  });
  afterAll(async () => {
    await service?.close();
    await Promise.all([database?.drop(), keys?.close()]);
  });

  const apply = async (...events: ConduitEvent[]) => {
    for (const event of events) await applyEvent(event, database.pool);
  };

  async function registered(): Promise<PersonInput> {
    const person = buildPerson();
    await apply(buildEvent('user.registered', { ...person }));
    return person;
  }

  const followAt = (
    second: number,
    follower: PersonInput,
    followee: PersonInput,
    type: 'user.followed' | 'user.unfollowed' = 'user.followed',
  ) =>
    buildEvent(
      type,
      { followerId: follower.userId, followeeId: followee.userId },
      { occurredAt: at(second) },
    );

  const publishedAt = (second: number, article: ArticleEventInput) =>
    buildEvent('article.published', { ...article, tagList: [] }, { occurredAt: at(second) });

  const notificationsOf = (person: PersonInput) => listNotifications(service, keys, person.userId);

  /** The follower's notifications of articles, as the titles and times they show. */
  const articlesNotified = async (person: PersonInput) =>
    (await notificationsOf(person))
      .filter((notification) => notification.type === 'article.published')
      .map(({ actor, article, createdAt }) => ({ actor: actor.username, title: article?.title, createdAt }));

  const notice = (author: PersonInput, article: ArticleEventInput, second: number) => ({
    actor: author.username,
    title: article.title,
    createdAt: at(second),
  });

  it('When an article is applied before the follow that preceded it, then the follower is notified once the follow arrives, and only once when both paths run', async () => {
    const [author, reader] = await Promise.all([registered(), registered()]);
    const article = buildArticleEvent({ authorId: author.userId });
    const published = publishedAt(2, article);

    await apply(published);
    expect(await articlesNotified(reader)).toEqual([]);
    await apply(followAt(1, reader, author));
    expect(await articlesNotified(reader)).toEqual([notice(author, article, 2)]);

    // Applied again, the article now finds the follow too: the same (event, recipient), so no second row.
    await apply(published);
    expect(await articlesNotified(reader)).toEqual([notice(author, article, 2)]);
  });

  it('When a follow arrives after articles published before and after it, then the follower is notified of the later one only', async () => {
    const [author, reader] = await Promise.all([registered(), registered()]);
    const older = buildArticleEvent({ authorId: author.userId });
    const newer = buildArticleEvent({ authorId: author.userId });

    await apply(publishedAt(1, older), publishedAt(3, newer), followAt(2, reader, author));

    expect(await articlesNotified(reader)).toEqual([notice(author, newer, 3)]);
  });

  it('When an article published before a follow is applied after it, then the follower is not notified of it', async () => {
    const [author, reader] = await Promise.all([registered(), registered()]);
    const article = buildArticleEvent({ authorId: author.userId });

    await apply(followAt(2, reader, author), publishedAt(1, article));

    expect(await articlesNotified(reader)).toEqual([]);
    // The follow itself was applied: its followee heard of it.
    expect((await notificationsOf(author)).map((notification) => notification.type)).toEqual([
      'user.followed',
    ]);
  });

  it('When an unfollow is applied after an article published after it, then that notification is withdrawn and the earlier ones stay', async () => {
    const [author, reader] = await Promise.all([registered(), registered()]);
    const kept = buildArticleEvent({ authorId: author.userId });
    const late = buildArticleEvent({ authorId: author.userId });

    await apply(followAt(1, reader, author), publishedAt(2, kept), publishedAt(4, late));
    expect(await articlesNotified(reader)).toEqual([notice(author, late, 4), notice(author, kept, 2)]);
    await apply(followAt(3, reader, author, 'user.unfollowed'));

    expect(await articlesNotified(reader)).toEqual([notice(author, kept, 2)]);
  });

  it('When an article is renamed or deleted before the follow arrives, then the follower sees its current title, or nothing of it', async () => {
    const [author, reader] = await Promise.all([registered(), registered()]);
    const renamed = buildArticleEvent({ authorId: author.userId });
    const deleted = buildArticleEvent({ authorId: author.userId });
    const newTitle = { ...renamed, slug: `${renamed.slug}-v2`, title: `${renamed.title} v2` };

    await apply(
      publishedAt(2, renamed),
      buildEvent('article.updated', { ...newTitle, tagList: [] }, { occurredAt: at(3) }),
      publishedAt(2, deleted),
      buildEvent('article.deleted', { articleId: deleted.articleId }, { occurredAt: at(3) }),
      followAt(1, reader, author),
    );

    expect(await articlesNotified(reader)).toEqual([notice(author, newTitle, 2)]);
  });

  it('When the same events are applied again, then every page stays as it was, ids included', async () => {
    const [author, reader] = await Promise.all([registered(), registered()]);
    const early = buildArticleEvent({ authorId: author.userId });
    const late = buildArticleEvent({ authorId: author.userId });
    // In the order the consumer might see them: each article before the follow change that preceded it.
    const events = [
      publishedAt(2, early),
      followAt(1, reader, author),
      publishedAt(4, late),
      followAt(3, reader, author, 'user.unfollowed'),
    ];
    await apply(...events);
    const [readerPage, authorPage] = [await notificationsOf(reader), await notificationsOf(author)];
    expect(readerPage.map(({ article }) => article?.title)).toEqual([early.title]);

    await apply(...events);

    expect(await notificationsOf(reader)).toEqual(readerPage);
    expect(await notificationsOf(author)).toEqual(authorPage);
  });
});
