import { maxLength, maxPathSegmentLength } from '@scaling/contract';
import type { ConduitEvent, EventType } from '@scaling/events';
import { z } from 'zod';
import { NotificationsError } from './errors.ts';

/** An id as the app writes it: a JSON number, or digits where a bigint went through as text; exact below 2^53. */
const id = z.union([
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  z
    .string()
    .regex(/^[1-9]\d{0,15}$/)
    .transform(Number)
    .pipe(z.number().max(Number.MAX_SAFE_INTEGER)),
]);
// A slug is a path segment of the app's URLs, bounded as the app's router bounds them.
const slug = z.string().min(1).max(maxPathSegmentLength);
const title = z.string().min(1).max(maxLength.title);

const person = z.object({ userId: id, username: z.string().min(1).max(maxLength.username) });
const follow = z.object({ followerId: id, followeeId: id });
const article = z.object({ articleId: id, slug, title, authorId: id });

/** The data of each event the service acts on (section 3 of the stage's contract); extra fields are ignored. */
export const eventData = {
  'user.registered': person,
  'user.updated': person,
  'user.followed': follow,
  'user.unfollowed': follow,
  'article.published': article,
  'article.updated': article,
  'article.deleted': z.object({ articleId: id }),
  'comment.added': article.extend({ commenterId: id }),
  'article.favorited': article.extend({ userId: id }),
} satisfies Partial<Record<EventType, z.ZodType>>;

export type HandledType = keyof typeof eventData;
export type DataOf<Type extends HandledType> = z.output<(typeof eventData)[Type]>;

export function isHandled(type: EventType): type is HandledType {
  return Object.hasOwn(eventData, type);
}

/**
 * The data of an event of `type` in the shape the type promises. A malformed event throws, so the consumer retries
 * it and, after its last try, parks it in the dead-letter topic instead of notifying from half a payload.
 */
export function dataOf<Type extends HandledType>(type: Type, event: ConduitEvent): DataOf<Type> {
  const parsed = eventData[type].safeParse(event.data);
  if (!parsed.success) {
    const problems = z.prettifyError(parsed.error).replaceAll('\n', ' ');
    throw new NotificationsError(
      'NOTIFICATIONS_EVENT_MALFORMED',
      `The ${type} event ${event.id} does not carry the data its type promises (${problems}); fix its producer, ` +
        'then replay the event from the dead-letter topic.',
    );
  }
  return parsed.data as DataOf<Type>;
}
