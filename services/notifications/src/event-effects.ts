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
  'user.followed': async ({ followerId, followeeId }, event, db) => {
    await db.query('INSERT INTO follows (followee_id, follower_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      followeeId,
      followerId,
    ]);
    await notify(db, event, { recipientId: followeeId, type: 'user.followed', actorId: followerId });
  },
  'user.unfollowed': async ({ followerId, followeeId }, _event, db) => {
    await db.query('DELETE FROM follows WHERE followee_id = $1 AND follower_id = $2', [
      followeeId,
      followerId,
    ]);
  },
  // Fan-out on write: one row per follower the service knows when the event arrives, in one statement.
  'article.published': async ({ articleId, slug, title, authorId }, event, db) => {
    await db.query(
      `INSERT INTO notifications (event_id, recipient_id, type, actor_id, article_id, slug, title, created_at)
       SELECT $1, follower_id, 'article.published', $2, $3, $4, $5, $6
       FROM follows WHERE followee_id = $2 AND follower_id <> $2
       ON CONFLICT (event_id, recipient_id) DO NOTHING`,
      [event.id, authorId, articleId, slug, title, event.occurredAt],
    );
  },
  // A renamed article keeps its notifications pointing at its current slug and title.
  'article.updated': async ({ articleId, slug, title }, _event, db) => {
    await db.query('UPDATE notifications SET slug = $2, title = $3 WHERE article_id = $1', [
      articleId,
      slug,
      title,
    ]);
  },
  // A deleted article's notifications would only lead to a 404.
  'article.deleted': async ({ articleId }, _event, db) => {
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
