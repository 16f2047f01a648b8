import { describe, expect, it } from 'vitest';
import { buildTestApp, tokenHeader } from './support/test-app.ts';

// The origin of the Angular RealWorld front end in development, served apart from the API.
const frontEnd = 'http://localhost:4173';

const preflight = (url: string, origin: string, method: string) => ({
  method: 'OPTIONS' as const,
  url,
  headers: {
    origin,
    'access-control-request-method': method,
    'access-control-request-headers': 'authorization,content-type',
  },
});

describe('CORS with the default policy (any origin)', async () => {
  const app = await buildTestApp();

  it('When a front end on another origin sends a preflight, then it is answered 204 with the methods and headers the API takes', async () => {
    // An authenticated route: the preflight carries no token, so it must be answered before authentication.
    const response = await app.inject(preflight('/api/user', frontEnd, 'PUT'));

    expect({ status: response.statusCode, headers: response.headers }).toMatchObject({
      status: 204,
      headers: {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, HEAD, POST, PUT, DELETE',
        'access-control-allow-headers': 'Authorization, Content-Type, Idempotency-Key',
        'access-control-max-age': '600',
      },
    });
    expect(response.headers).not.toHaveProperty('access-control-allow-credentials');
  });

  it('When a cross-origin request succeeds or fails, then both answers allow the origin and expose the API headers', async () => {
    const tags = await app.inject({ method: 'GET', url: '/api/tags', headers: { origin: frontEnd } });
    const unauthorized = await app.inject({
      method: 'GET',
      url: '/api/user',
      headers: { origin: frontEnd, ...tokenHeader('not-a-token') },
    });

    for (const response of [tags, unauthorized]) {
      expect(response.headers).toMatchObject({
        'access-control-allow-origin': '*',
        'access-control-expose-headers': 'Retry-After, Idempotent-Replayed, X-Served-By',
      });
    }
    expect([tags.statusCode, unauthorized.statusCode]).toEqual([200, 401]);
  });
});

describe('CORS with a list of origins', async () => {
  const app = await buildTestApp({ allowedOrigins: [frontEnd, 'https://conduit.example.com'] });

  it('When a listed origin calls, then it is named in Access-Control-Allow-Origin and caches vary on Origin', async () => {
    const response = await app.inject(preflight('/api/articles', frontEnd, 'POST'));

    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(frontEnd);
    expect(response.headers.vary).toMatch(/\bOrigin\b/);
  });

  it('When another origin calls, then no Access-Control-Allow-Origin is sent and its browser withholds the answer', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/tags',
      headers: { origin: 'https://evil.example' },
    });

    expect(response.statusCode).toBe(200);
    expect(response.headers).not.toHaveProperty('access-control-allow-origin');
  });
});
