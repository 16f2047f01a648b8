import { describe, expect, it } from 'vitest';
import { z } from 'zod';
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

describe('the published rules are the checked rules', () => {
  interface Rule {
    pattern: string;
    minLength?: number;
    maxLength: number;
  }
  const user = z.toJSONSchema(registerRequestSchema, { io: 'input' }) as unknown as {
    properties: { user: { properties: { username: Rule; email: Rule; password: Rule } } };
  };
  const article = z.toJSONSchema(newArticleRequestSchema, { io: 'input' }) as unknown as {
    properties: { article: { properties: { title: Rule; tagList: { items: Rule } } } };
  };
  /** What a JSON Schema validator concludes: ECMAScript patterns with the u flag, lengths in code points. */
  const jsonSchemaAccepts = (rule: Rule, value: string) =>
    new RegExp(rule.pattern, 'u').test(value) &&
    [...value].length >= (rule.minLength ?? 0) &&
    [...value].length <= rule.maxLength;

  const samples = [
    'plain',
    ' padded ',
    '',
    ' ',
    '\t\n',
    '\u00a0\u3000\ufeff',
    '\u2028x',
    'a\u0000b',
    'a\u0001b',
    '\na',
    'a\u007fb',
    'a\u0085b',
    'é日本',
    '😀',
    'a😀',
    'x'.repeat(64),
    'x'.repeat(65),
    '😀'.repeat(200),
    '😀'.repeat(201),
    'pass word',
    '😀😀😀😀',
    '😀😀😀😀😀😀😀😀',
    'a@b',
    ' a@b ',
    'a b@c',
    '@b',
  ];

  it.each([
    [
      'username',
      user.properties.user.properties.username,
      (value: string) => ({ ...validUser, username: value }),
    ],
    ['email', user.properties.user.properties.email, (value: string) => ({ ...validUser, email: value })],
    [
      'password',
      user.properties.user.properties.password,
      (value: string) => ({ ...validUser, password: value }),
    ],
  ] as const)(
    'When a %s is checked by the server and by its published schema, then both give the same verdict',
    (_field, rule, userWith) => {
      for (const value of samples) {
        const server = registerRequestSchema.safeParse({ user: userWith(value) }).success;
        expect({ value, server }).toEqual({ value, server: jsonSchemaAccepts(rule, value) });
      }
    },
  );

  it.each([
    [
      'title',
      article.properties.article.properties.title,
      (value: string) => ({ ...validArticle, title: value }),
    ],
    [
      'tag',
      article.properties.article.properties.tagList.items,
      (value: string) => ({ ...validArticle, tagList: [value] }),
    ],
  ] as const)(
    'When an article %s is checked by the server and by its published schema, then both give the same verdict',
    (_field, rule, articleWith) => {
      for (const value of samples) {
        const server = newArticleRequestSchema.safeParse({ article: articleWith(value) }).success;
        expect({ value, server }).toEqual({ value, server: jsonSchemaAccepts(rule, value) });
      }
    },
  );
});

const validUser = { username: 'someone', email: 'someone@example.com', password: 'password123' };
const validArticle = { title: 'Title', description: 'Description', body: 'Body' };
