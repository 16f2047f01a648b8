import { randomBytes } from 'node:crypto';

/** A short random suffix that keeps rows created by concurrent tests apart. */
export function uniqueSuffix(): string {
  return randomBytes(5).toString('hex');
}

export interface UserInput {
  username: string;
  email: string;
  password: string;
}

export function buildUser(overrides: Partial<UserInput> = {}): UserInput {
  const suffix = uniqueSuffix();
  return {
    username: `user_${suffix}`,
    email: `user_${suffix}@example.com`,
    password: 'password123',
    ...overrides,
  };
}

export interface ArticleInput {
  title: string;
  description: string;
  body: string;
  tagList: string[];
}

export function buildArticle(overrides: Partial<ArticleInput> = {}): ArticleInput {
  const suffix = uniqueSuffix();
  return {
    title: `Article ${suffix}`,
    description: `Description ${suffix}`,
    body: `Body of article ${suffix}`,
    tagList: [],
    ...overrides,
  };
}

export interface CommentInput {
  body: string;
}

export function buildComment(overrides: Partial<CommentInput> = {}): CommentInput {
  return { body: `Comment ${uniqueSuffix()}`, ...overrides };
}
