import { type ArticleInput, buildArticle, buildUser, type UserInput } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

export interface TestUser extends UserInput {
  token: string;
}

export const tokenHeader = (token: string) => ({ authorization: `Token ${token}` });

/** Calls the API as `user` (anonymously without one) and returns the status and the JSON body. */
export function apiClient(app: FastifyInstance) {
  async function call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    user?: TestUser,
    payload?: object,
  ) {
    const response = await app.inject({
      method,
      url,
      ...(user ? { headers: tokenHeader(user.token) } : {}),
      ...(payload ? { payload } : {}),
    });
    return { status: response.statusCode, body: response.body ? response.json() : undefined };
  }

  return {
    call,
    async register(overrides: Partial<UserInput> = {}): Promise<TestUser> {
      const user = buildUser(overrides);
      const response = await call('POST', '/api/users', undefined, { user });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return { ...user, token: response.body.user.token };
    },
    async publish(author: TestUser, overrides: Partial<ArticleInput> = {}) {
      const response = await call('POST', '/api/articles', author, { article: buildArticle(overrides) });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body.article as { slug: string; title: string; tagList: string[] };
    },
    article: (slug: string, viewer?: TestUser) => call('GET', `/api/articles/${slug}`, viewer),
    list: (query: string, viewer?: TestUser) => call('GET', `/api/articles?${query}`, viewer),
  };
}
