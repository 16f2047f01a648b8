import { randomInt, randomUUID } from 'node:crypto';
import { articleKey, type ConduitEvent, type EventType, userKey } from '@scaling/events';
import { uniqueSuffix } from '@scaling/testing';

/** A user or article id no other test uses: random in the range the shards draw from, below 2^53. */
export function uniqueId(): number {
  return randomInt(2 ** 40, 2 ** 47);
}

/** An event as the consumer hands it over; `data` is the part each test chooses. */
export function buildEvent(
  type: EventType,
  data: Record<string, unknown>,
  overrides: Partial<ConduitEvent> = {},
): ConduitEvent {
  const aggregate =
    'articleId' in data
      ? articleKey(String(data.articleId))
      : userKey(String(data.userId ?? data.followerId));
  return { id: randomUUID(), type, key: aggregate, occurredAt: new Date().toISOString(), data, ...overrides };
}

export interface PersonInput {
  userId: number;
  username: string;
}

export function buildPerson(overrides: Partial<PersonInput> = {}): PersonInput {
  return { userId: uniqueId(), username: `user_${uniqueSuffix()}`, ...overrides };
}

export interface ArticleEventInput {
  articleId: number;
  slug: string;
  title: string;
  authorId: number;
}

export function buildArticleEvent(
  overrides: Partial<ArticleEventInput> & { authorId: number },
): ArticleEventInput {
  const suffix = uniqueSuffix();
  return { articleId: uniqueId(), slug: `article-${suffix}`, title: `Article ${suffix}`, ...overrides };
}
