import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRedisTestApp } from './support/redis-test-app.ts';
import { buildTestApp } from './support/test-app.ts';

describe('X-Served-By and readiness', () => {
  let app: FastifyInstance;
  let draining = false;

  beforeAll(async () => {
    app = await buildRedisTestApp({ instanceName: 'app.2', isDraining: () => draining });
  });
  afterAll(async () => {
    await app.close();
  });

  it('When any response is sent (success, client error, unknown route), then X-Served-By names this instance', async () => {
    const responses = await Promise.all([
      app.inject({ url: '/api/tags' }),
      app.inject({ url: '/api/user' }),
      app.inject({ url: '/api/no-such-route' }),
      app.inject({ method: 'POST', url: '/api/users', payload: {} }),
    ]);
    expect(responses.map((response) => response.statusCode)).toEqual([200, 401, 404, 422]);
    for (const response of responses) expect(response.headers['x-served-by']).toBe('app.2');
  });

  it('When the process starts draining, then /api/ready turns 503 and responses ask to close the connection', async () => {
    const ready = await app.inject({ url: '/api/ready' });
    expect({ status: ready.statusCode, body: ready.json() }).toEqual({
      status: 200,
      body: { status: 'ready' },
    });
    expect(ready.headers.connection).not.toBe('close');
    draining = true;
    try {
      const notReady = await app.inject({ url: '/api/ready' });
      expect({ status: notReady.statusCode, body: notReady.json() }).toEqual({
        status: 503,
        body: { status: 'draining' },
      });
      const tags = await app.inject({ url: '/api/tags' });
      expect(tags.statusCode).toBe(200);
      expect(tags.headers.connection).toBe('close');
      const health = await app.inject({ url: '/api/health' });
      expect(health.statusCode).toBe(200);
    } finally {
      draining = false;
    }
  });
});

describe('without an instance name or a drain switch (stages 1 and 2)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('When a response is sent, then it has no X-Served-By header and /api/ready says ready', async () => {
    const response = await app.inject({ url: '/api/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
    expect(response.headers['x-served-by']).toBeUndefined();
  });
});
