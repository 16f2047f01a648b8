import { expectOfficialSuitePasses } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { buildShardedApp, createShardedDatabases, type ShardedDatabases } from './support/sharded-app.ts';

let databases: ShardedDatabases;
let app: FastifyInstance;
let origin = '';

beforeAll(async () => {
  databases = await createShardedDatabases();
  app = await buildShardedApp(databases);
  origin = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
  await databases?.drop();
});

describe('the official suite on three shards', () => {
  it('When the RealWorld suite runs against the API on sharded repositories, then every request and assertion passes', async () => {
    await expectOfficialSuitePasses(origin);
  }, 300_000);
});
