import { buildConduitApp } from '@scaling/conduit';
import { createMemorySessionStore } from '@scaling/sessions';
import { buildArticle, buildUser, type UserInput } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { expect, inject } from 'vitest';
import type { SharedCachePolicy } from '../../src/cache-policy.ts';
import { type EdgeCachingOptions, edgeCachingPlugin } from '../../src/edge-caching-plugin.ts';

export function buildPolicy(overrides: Partial<SharedCachePolicy> = {}): SharedCachePolicy {
  return { sharedMaxAge: 300, staleWhileRevalidate: 30, staleIfError: 86_400, ...overrides };
}

export function buildEdgeCaching(overrides: Partial<EdgeCachingOptions> = {}): EdgeCachingOptions {
  const policy = buildPolicy();
  return {
    routes: { articleList: policy, article: policy, profile: policy, tags: policy },
    docs: { prefix: '/api/docs', documentUrl: '/api/openapi.json', policy },
    ...overrides,
  };
}

/** The real Conduit app on the test database, with the edge plugin registered as a stage registers it. */
export async function buildOriginApp(edge: EdgeCachingOptions): Promise<FastifyInstance> {
  const app = await buildConduitApp({
    logLevel: 'silent',
    database: { connectionString: inject('databaseUrl'), max: 4 },
    clients: async (app) => {
      await app.register(edgeCachingPlugin, edge);
    },
    conduit: { sessions: createMemorySessionStore(), instanceName: 'origin-1' },
  });
  await app.ready();
  return app;
}

export interface Author extends UserInput {
  token: string;
}

export async function registerAuthor(app: FastifyInstance): Promise<Author> {
  const user = buildUser();
  const response = await app.inject({ method: 'POST', url: '/api/users', payload: { user } });
  expect(response.statusCode, response.body).toBe(201);
  return { ...user, token: response.json().user.token };
}

export async function publish(
  app: FastifyInstance,
  author: Author,
  tagList: string[] = [],
): Promise<{ slug: string }> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/articles',
    headers: { authorization: `Token ${author.token}` },
    payload: { article: buildArticle({ tagList }) },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().article;
}
