import { createMemorySessionStore } from '@scaling/sessions';
import { buildArticle } from '@scaling/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { buildConduitApp, createRepositories, type Repositories } from '../src/index.ts';
import { registerUser, tokenHeader } from './support/test-app.ts';

describe('the data-access seam', () => {
  const calls: string[] = [];
  // What a cache in front of a repository would do: see every read, answer it, pass it on.
  const observed = (repositories: Repositories): Repositories => ({
    ...repositories,
    articles: {
      ...repositories.articles,
      allTagNames: () => {
        calls.push('allTagNames');
        return repositories.articles.allTagNames();
      },
    },
    transaction: (ownerId, fn) => {
      calls.push('transaction');
      return repositories.transaction(ownerId, fn);
    },
  });
  const app = buildConduitApp({
    logLevel: 'silent',
    database: { connectionString: inject('databaseUrl'), max: 2 },
    repositories: (database) => observed(createRepositories(database)),
    conduit: { sessions: createMemorySessionStore() },
  });
  afterAll(async () => (await app).close());

  it('When a stage passes its own repositories, then reads and transactions go through them', async () => {
    const api = await app;
    const author = await registerUser(api);

    const created = await api.inject({
      method: 'POST',
      url: '/api/articles',
      headers: tokenHeader(author.token),
      payload: { article: buildArticle() },
    });
    const tags = await api.inject({ method: 'GET', url: '/api/tags' });

    expect({ created: created.statusCode, tags: tags.statusCode, calls }).toEqual({
      created: 201,
      tags: 200,
      calls: ['transaction', 'allTagNames'],
    });
  });
});
