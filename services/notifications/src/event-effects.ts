import type { Queryable } from '@scaling/db';
import type { ConduitEvent } from '@scaling/events';
import { type DataOf, dataOf, type HandledType, isHandled } from './event-data.ts';

type Effect<Type extends HandledType> = (
  data: DataOf<Type>,
  event: ConduitEvent,
  db: Queryable,
) => Promise<void>;

/** A notification about an article (absent for a follow) for one recipient. */
interface NotificationRow {
  recipientId: number;
  type: 'comment.added' | 'article.favorited' | 'user.followed';
  actorId: number;
  article?: { articleId: number; slug: string; title: string };
}

/** Nobody is told about what they did themselves: commenting on or favoriting their own article. */
async function notify(db: Queryable, event: ConduitEvent, row: NotificationRow): Promise<void> {
  if (row.recipientId === row.actorId) return;
  await db.query(
    `INSERT INTO notifications (event_id, recipient_id, type, actor_id, article_id, slug, title, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (event_id, recipient_id) DO NOTHING`,
    [
      event.id,
      row.recipientId,
      row.type,
      row.actorId,
      row.article?.articleId ?? null,
      row.article?.slug ?? null,
      row.article?.title ?? null,
      event.occurredAt,
    ],
  );
}

const rememberPerson: Effect<'user.registered' | 'user.updated'> = async (
  { userId, username },
  _event,
  db,
) => {
  await db.query(
    `INSERT INTO people (id, username) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET username = EXCLUDED.username`,
    [userId, username],
  );
};

/**
 * What each event does to the service's tables; events of other types are not the service's business. Every
 * effect is safe to apply twice, though the consumer's processed_events already applies each event once.
 */
const effects: { [Type in HandledType]: Effect<Type> } = {
  'user.registered': rememberPerson,
  'user.updated': rememberPerson,
  // A follow counts from when it happened, whichever of it and an article the consumer applies first: the follower
  // also hears of the followee's articles published since then that the service already knows.
  'user.followed': async ({ followerId, followeeId }, event, db) => {
    await db.query(
      `INSERT INTO follows (followee_id, follower_id, since) VALUES ($1, $2, $3)
       ON CONFLICT (followee_id, follower_id) DO UPDATE SET since = EXCLUDED.since`,
      [followeeId, followerId, event.occurredAt],
    );
    await notify(db, event, { recipientId: followeeId, type: 'user.followed', actorId: followerId });
    await db.query(
      `INSERT INTO notifications (event_id, recipient_id, type, actor_id, article_id, slug, title, created_at)
       SELECT event_id, $2, 'article.published', author_id, article_id, slug, title, published_at
       FROM articles WHERE author_id = $1 AND published_at >= $3 AND author_id <> $2
       ON CONFLICT (event_id, recipient_id) DO NOTHING`,
      [followeeId, followerId, event.occurredAt],
    );
  },
  // An article applied before the unfollow that preceded it notified a reader who no longer followed: withdrawn.
  'user.unfollowed': async ({ followerId, followeeId }, event, db) => {
    await db.query('DELETE FROM follows WHERE followee_id = $1 AND follower_id = $2', [
      followeeId,
      followerId,
    ]);
    await db.query(
      `DELETE FROM notifications
       WHERE recipient_id = $2 AND actor_id = $1 AND type = 'article.published' AND created_at > $3`,
      [followeeId, followerId, event.occurredAt],
    );
  },
  // Fan-out on write: one row per follower the service knows whose follow began by the time the article was published,
  // in one statement. The article is remembered for the follows the consumer applies after it.
  'article.published': async ({ articleId, slug, title, authorId }, event, db) => {
    await db.query(
      `INSERT INTO articles (article_id, author_id, event_id, slug, title, published_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (article_id) DO NOTHING`,
      [articleId, authorId, event.id, slug, title, event.occurredAt],
    );
    await db.query(
      `INSERT INTO notifications (event_id, recipient_id, type, actor_id, article_id, slug, title, created_at)
       SELECT $1, follower_id, 'article.published', $2, $3, $4, $5, $6
       FROM follows WHERE followee_id = $2 AND follower_id <> $2 AND since <= $6
       ON CONFLICT (event_id, recipient_id) DO NOTHING`,
      [event.id, authorId, articleId, slug, title, event.occurredAt],
    );
  },
  // A renamed article keeps its notifications, and those a later follow makes, at its current slug and title.
  'article.updated': async ({ articleId, slug, title }, _event, db) => {
    await db.query('UPDATE articles SET slug = $2, title = $3 WHERE article_id = $1', [
      articleId,
      slug,
      title,
    ]);
    await db.query('UPDATE notifications SET slug = $2, title = $3 WHERE article_id = $1', [
      articleId,
      slug,
      title,
    ]);
  },
  // A deleted article's notifications would only lead to a 404, now or after a later follow.
  'article.deleted': async ({ articleId }, _event, db) => {
    await db.query('DELETE FROM articles WHERE article_id = $1', [articleId]);
    await db.query('DELETE FROM notifications WHERE article_id = $1', [articleId]);
  },
  'comment.added': async ({ commenterId, authorId, ...article }, event, db) => {
    await notify(db, event, { recipientId: authorId, type: 'comment.added', actorId: commenterId, article });
  },
  'article.favorited': async ({ userId, authorId, ...article }, event, db) => {
    await notify(db, event, { recipientId: authorId, type: 'article.favorited', actorId: userId, article });
  },
};

async function applyHandled<Type extends HandledType>(
  type: Type,
  event: ConduitEvent,
  db: Queryable,
): Promise<void> {
  await effects[type](dataOf(type, event), event, db);
}

/**
 * Applies one event to the service's tables through `db`, the consumer's transaction: the effect and the record
 * that the event was processed commit together. Throws on a malformed event (see `dataOf`).
 */
export async function applyEvent(event: ConduitEvent, db: Queryable): Promise<void> {
  if (isHandled(event.type)) await applyHandled(event.type, event, db);
}
