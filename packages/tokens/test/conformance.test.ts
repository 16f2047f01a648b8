import { createOwnDatabase, expectOfficialSuitePasses, type OwnDatabase } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { buildJwtApp } from './support/jwt-app.ts';

let database: OwnDatabase;
let app: FastifyInstance;
let origin = '';

beforeAll(async () => {
  database = await createOwnDatabase(inject('databaseUrl'), 'tokens');
  app = await buildJwtApp({ databaseUrl: database.url });
  origin = await app.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

describe('the official suite on signed access tokens', () => {
  it('When the RealWorld suite runs against the API with JWT sessions, then every request and assertion passes', async () => {
    await expectOfficialSuitePasses(origin);
  }, 300_000);
});
