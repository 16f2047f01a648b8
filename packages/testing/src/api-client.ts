import { expect } from 'vitest';
import { type ArticleInput, buildArticle, buildUser } from './factories.ts';

/** Registers a new user through the API at `apiUrl` (`http://host:port/api`) and returns its session token. */
export async function registerUser(apiUrl: string): Promise<string> {
  const response = await fetch(`${apiUrl}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: buildUser() }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { user: { token: string } }).user.token;
}

/** Publishes a new article as the token's user, with any extra `headers` (trace context), and returns what it sent. */
export async function postArticle(
  apiUrl: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<ArticleInput> {
  const article = buildArticle();
  const response = await fetch(`${apiUrl}/articles`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Token ${token}`, ...headers },
    body: JSON.stringify({ article }),
  });
  expect(response.status).toBe(201);
  return article;
}
