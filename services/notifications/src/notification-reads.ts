import type { Queryable } from '@scaling/db';
import type { Notification } from './notification-schemas.ts';

interface NotificationRow {
  id: string;
  type: Notification['type'];
  created_at: Date;
  username: string | null;
  slug: string | null;
  title: string | null;
}

export interface NotificationPage {
  notifications: Notification[];
  notificationsCount: number;
}

/** A recipient's notifications, newest first, with how many they have in all (RealWorld's list shape). */
export async function readNotifications(
  db: Queryable,
  recipientId: number,
  { limit, offset }: { limit: number; offset: number },
): Promise<NotificationPage> {
  const [page, count] = await Promise.all([
    db.query<NotificationRow>(
      `SELECT n.id, n.type, n.created_at, p.username, n.slug, n.title
       FROM notifications n LEFT JOIN people p ON p.id = n.actor_id
       WHERE n.recipient_id = $1
       ORDER BY n.created_at DESC, n.id DESC
       LIMIT $2 OFFSET $3`,
      [recipientId, limit, offset],
    ),
    db.query<{ total: number }>('SELECT count(*)::int AS total FROM notifications WHERE recipient_id = $1', [
      recipientId,
    ]),
  ]);
  return {
    notifications: page.rows.map((row) => ({
      // An identity column: exact as a JSON number for the next 2^53 notifications.
      id: Number(row.id),
      type: row.type,
      createdAt: row.created_at.toISOString(),
      actor: { username: row.username },
      article: row.slug !== null && row.title !== null ? { slug: row.slug, title: row.title } : null,
    })),
    notificationsCount: count.rows[0]?.total ?? 0,
  };
}
