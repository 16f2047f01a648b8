import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unavailableBodies } from '../src/http/error-handler.ts';
import { buildTestApp } from './support/test-app.ts';

// Port 1 on loopback: nothing listens there, so every connection is refused, as while Postgres restarts.
const unreachableDatabaseUrl = 'postgres://conduit:conduit@127.0.0.1:1/conduit';

describe('When the database cannot be reached', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp({ databaseUrl: unreachableDatabaseUrl });
  });
  afterAll(async () => {
    await app.close();
  });

  it('When a read needs it, then the answer is 503 with Retry-After and says the database is unavailable', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/tags' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toEqual(unavailableBodies.database);
  });

  it('When a login needs it, then the answer is 503, not a 500 and not "credentials invalid"', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/users/login',
      payload: { user: { email: 'someone@example.com', password: 'password123' } },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual(unavailableBodies.database);
  });
});
