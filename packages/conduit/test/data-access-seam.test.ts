import { createPool } from '@scaling/db';
import { createMemorySessionStore } from '@scaling/sessions';
import { buildArticle } from '@scaling/testing';
import Fastify from 'fastify';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { conduit, createRepositories, type Repositories } from '../src/index.ts';
import { registerUser, tokenHeader } from './support/test-app.ts';

describe('the data-access seam', () => {
  const pool = createPool({ connectionString: inject('databaseUrl'), max: 2 }, console);
  const calls: string[] = [];
  const repositories = createRepositories({ primary: pool });
  // What a cache in front of a repository would do: see every read, answer it, pass it on.
  const observed: Repositories = {
    ...repositories,
    articles: {
      ...repositories.articles,
      allTagNames: () => {
        calls.push('allTagNames');
        return repositories.articles.allTagNames();
      },
    },
    transaction: (fn) => {
      calls.push('transaction');
      return repositories.transaction(fn);
    },
  };
  // No postgres plugin and no app.pg: the API reaches the data only through the repositories it is given.
  const app = Fastify();
  const ready = app
    .register(conduit, { repositories: observed, sessions: createMemorySessionStore() })
    .ready();
  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  it('When a stage passes its own repositories, then reads and transactions go through them', async () => {
    await ready;
    const author = await registerUser(app);

    const created = await app.inject({
      method: 'POST',
      url: '/api/articles',
      headers: tokenHeader(author.token),
      payload: { article: buildArticle() },
    });
    const tags = await app.inject({ method: 'GET', url: '/api/tags' });

    expect({ created: created.statusCode, tags: tags.statusCode, calls }).toEqual({
      created: 201,
      tags: 200,
      calls: ['transaction', 'allTagNames'],
    });
  });
});
