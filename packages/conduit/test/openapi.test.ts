import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './support/test-app.ts';

const app = await buildTestApp();
afterAll(() => app.close());

describe('service routes', () => {
  it('When the health route is called, then 200 says ok', async () => {
    const response = await app.inject({ url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('When the OpenAPI document is fetched, then it lists every operation of the spec', async () => {
    const response = await app.inject({ url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /api/users/login',
        'POST /api/users',
        'GET /api/user',
        'PUT /api/user',
        'GET /api/profiles/{username}',
        'POST /api/profiles/{username}/follow',
        'DELETE /api/profiles/{username}/follow',
        'GET /api/articles/feed',
        'GET /api/articles',
        'POST /api/articles',
        'GET /api/articles/{slug}',
        'PUT /api/articles/{slug}',
        'DELETE /api/articles/{slug}',
        'GET /api/articles/{slug}/comments',
        'POST /api/articles/{slug}/comments',
        'DELETE /api/articles/{slug}/comments/{id}',
        'POST /api/articles/{slug}/favorite',
        'DELETE /api/articles/{slug}/favorite',
        'GET /api/tags',
      ]),
    );
    expect(operations).not.toContain('GET /api/openapi.json');
  });

  it('When the document describes an article, then its schema comes from the zod contract', async () => {
    const document = (await app.inject({ url: '/api/openapi.json' })).json();
    const schema =
      document.paths['/api/articles/{slug}'].get.responses['200'].content['application/json'].schema;
    expect(schema.properties.article.required).toEqual(
      expect.arrayContaining(['slug', 'title', 'body', 'tagList', 'createdAt', 'author']),
    );
    const listSchema =
      document.paths['/api/articles'].get.responses['200'].content['application/json'].schema;
    expect(listSchema.properties.articles.items.properties).not.toHaveProperty('body');
  });

  it('When the docs page is opened, then it serves the Swagger UI', async () => {
    const response = await app.inject({ url: '/api/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });
});
