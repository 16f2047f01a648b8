/** The one topic every Conduit event goes to; the key (an aggregate) picks its partition, so order holds per key. */
export const eventsTopic = 'conduit.events';
export const eventsTopicPartitions = 6;

export const eventTypes = [
  'user.registered',
  'user.updated',
  'user.followed',
  'user.unfollowed',
  'article.published',
  'article.updated',
  'article.deleted',
  'comment.added',
  'comment.deleted',
  'article.favorited',
  'article.unfavorited',
] as const;

export type EventType = (typeof eventTypes)[number];

/** An event as consumers receive it: `id` is the outbox row's event_id, stable across redeliveries. */
export interface ConduitEvent {
  id: string;
  type: EventType;
  key: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Article, comment and favorite events share their article's key, so they arrive in the order they happened. */
export function articleKey(articleId: number | string): string {
  return `article:${articleId}`;
}

/** User and follow events share the user's key (the follower's for follows). */
export function userKey(userId: number | string): string {
  return `user:${userId}`;
}

export function isEventType(value: string): value is EventType {
  return (eventTypes as readonly string[]).includes(value);
}
