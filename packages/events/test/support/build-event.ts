import { uniqueSuffix } from '@scaling/testing';
import { articleKey, type EventType } from '../../src/index.ts';

export interface EventInput {
  type: EventType;
  key: string;
  data: Record<string, unknown>;
}

/** An article.published event on an article of its own (a unique key), unless overridden. */
export function buildEvent(overrides: Partial<EventInput> = {}): EventInput {
  const articleId = Number.parseInt(uniqueSuffix().slice(0, 8), 16);
  return {
    type: 'article.published',
    key: articleKey(articleId),
    data: { articleId, slug: `slug-${articleId}`, title: 'A title', authorId: 1, tagList: [] },
    ...overrides,
  };
}
