import {
  maxLength,
  maxOffset,
  maxPageSize,
  maxPathSegmentLength,
  maxTagsPerArticle,
} from '@scaling/contract';
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

  it('When the sessions issue no refresh tokens, then the document has no refresh route and refreshToken stays optional', async () => {
    const document = (await app.inject({ url: '/api/openapi.json' })).json();
    expect(document.paths).not.toHaveProperty('/api/users/refresh');
    expect(document.paths['/api/users/logout'].post.summary).toBe(
      'Log out: revoke the token this request carries (an extension to the spec)',
    );
    const user =
      document.paths['/api/users/login'].post.responses['200'].content['application/json'].schema.properties
        .user;
    expect(user.properties.refreshToken.description).toMatch(/extension/);
    expect(user.required).not.toContain('refreshToken');
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

const document = (await app.inject({ url: '/api/openapi.json' })).json();

describe('the OpenAPI document says what the server does', () => {
  const requestSchema = (path: string, method: string) =>
    document.paths[path][method].requestBody.content['application/json'].schema;
  const parameter = (path: string, method: string, name: string) =>
    document.paths[path][method].parameters.find((candidate: { name: string }) => candidate.name === name)
      .schema;

  it('When a client reads a stored field, then it finds its minLength, maxLength and pattern', () => {
    const article = requestSchema('/api/articles', 'post').properties.article.properties;
    expect(article.title).toMatchObject({
      minLength: 1,
      maxLength: maxLength.title,
      pattern: expect.any(String),
    });
    expect(article.body).toMatchObject({ minLength: 1, maxLength: maxLength.body });
    expect(article.tagList).toMatchObject({
      maxItems: maxTagsPerArticle,
      items: { minLength: 1, maxLength: maxLength.tag },
    });
    const user = requestSchema('/api/user', 'put').properties.user.properties;
    expect(user.bio.anyOf[0]).toMatchObject({ maxLength: maxLength.bio });
    expect(user.image.anyOf[0]).toMatchObject({ maxLength: maxLength.image });
    expect(user.password).toMatchObject({ minLength: 8, maxLength: maxLength.password });
    const comment = requestSchema('/api/articles/{slug}/comments', 'post').properties.comment.properties;
    expect(comment.body).toMatchObject({ minLength: 1, maxLength: maxLength.comment });
  });

  it('When a pattern is read as JSON Schema reads it (ECMAScript, u flag), then it refuses what the server refuses', () => {
    const tag = new RegExp(
      requestSchema('/api/articles', 'post').properties.article.properties.tagList.items.pattern,
      'u',
    );
    expect(['rust', 'système', '日本語'].every((value) => tag.test(value))).toBe(true);
    expect(['', ' \t', 'a\u0001b', 'a\u0085b', '😀'].some((value) => tag.test(value))).toBe(false);
    const title = new RegExp(
      requestSchema('/api/articles', 'post').properties.article.properties.title.pattern,
      'u',
    );
    expect(title.test('  Hello 😀\n')).toBe(true);
    expect(['\u00a0\u3000', 'a\u0000'].some((value) => title.test(value))).toBe(false);
  });

  it('When a client reads the paging and path parameters, then it finds their bounds', () => {
    expect(parameter('/api/articles', 'get', 'offset')).toMatchObject({ minimum: 0, maximum: maxOffset });
    expect(parameter('/api/articles', 'get', 'limit')).toMatchObject({ minimum: 1, maximum: maxPageSize });
    expect(parameter('/api/articles/{slug}/comments', 'get', 'limit')).toMatchObject({
      maximum: maxPageSize,
    });
    expect(parameter('/api/articles/{slug}', 'get', 'slug')).toMatchObject({
      maxLength: maxPathSegmentLength,
    });
    expect(parameter('/api/profiles/{username}', 'get', 'username')).toMatchObject({
      maxLength: maxPathSegmentLength,
    });
  });

  it('When a client reads the answers of an operation, then the parser, router and proxy answers are listed', () => {
    const post = document.paths['/api/articles'].post.responses;
    expect(Object.keys(post)).toEqual(
      expect.arrayContaining(['400', '413', '414', '415', '422', '429', '503']),
    );
    expect(post['400'].content['application/json'].schema.properties).toHaveProperty('errors');
    const get = document.paths['/api/tags'].get.responses;
    expect(Object.keys(get)).toEqual(expect.arrayContaining(['400', '414', '429', '503']));
    expect(Object.keys(get)).not.toContain('415');
  });
});
