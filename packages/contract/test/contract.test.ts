import { describe, expect, it } from 'vitest';
import { articleListItemSchema, newArticleRequestSchema, registerRequestSchema } from '../src/index.ts';

const messagesOf = (result: {
  success: boolean;
  error?: { issues: Array<{ path: PropertyKey[]; message: string }> };
}) => result.error?.issues.map((issue) => [issue.path.join('.'), issue.message]);

describe('contract', () => {
  it('When required fields are missing, empty or null, then each reads "can\'t be blank"', () => {
    const result = registerRequestSchema.safeParse({ user: { username: '', email: null } });
    expect(messagesOf(result)).toEqual([
      ['user.username', "can't be blank"],
      ['user.email', "can't be blank"],
      ['user.password', "can't be blank"],
    ]);
  });

  it('When a field has the wrong type, then the message says what was expected', () => {
    const result = newArticleRequestSchema.safeParse({
      article: { title: 1, description: 'd', body: 'b', tagList: 'x' },
    });
    expect(messagesOf(result)).toEqual([
      ['article.title', 'must be a string'],
      ['article.tagList', 'must be an array of strings'],
    ]);
  });

  it('When a list item is parsed, then the body is stripped', () => {
    const item = articleListItemSchema.parse({
      slug: 's',
      title: 't',
      description: 'd',
      body: 'secret length',
      tagList: [],
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-01T00:00:00.000Z',
      favorited: false,
      favoritesCount: 0,
      author: { username: 'u', bio: null, image: null, following: false },
    });
    expect(item).not.toHaveProperty('body');
  });
});
