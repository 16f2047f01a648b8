import {
  expectOfficialSuitePasses,
  type PrivateRedis,
  type Standby,
  startPrivateRedis,
  startStandby,
} from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { buildReadPathApp, createRecordingEdge, ownPort } from './support/read-path-app.ts';

let standby: Standby;
let cacheRedis: PrivateRedis;
let app: FastifyInstance;
let origin = '';

beforeAll(async () => {
  [standby, cacheRedis] = await Promise.all([startStandby({ port: ownPort(6) }), startPrivateRedis()]);
  app = await buildReadPathApp({ standby, cacheUrl: cacheRedis.url, edge: createRecordingEdge() });
  origin = await app.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await Promise.all([standby?.dispose(), cacheRedis?.dispose()]);
});

describe('the official suite through the read path', () => {
  it('When the RealWorld suite runs against the API on the cache, a replica and the viewer rule, then every request and assertion passes', async () => {
    await expectOfficialSuitePasses(origin);
  }, 300_000);
});
