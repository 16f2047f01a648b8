import { postgresPlugin } from '@scaling/db';
import { createRedisIdempotencyStore } from '@scaling/idempotency';
import { closeRedisClient, createRedisClient, redisPlugin, waitUntilReady } from '@scaling/redis';
import { createRedisSessionStore } from '@scaling/sessions';
import Fastify, { type FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { type ConduitOptions, conduit, frameworkErrors } from '../../src/index.ts';

/** The replicas' shared fingerprint secret in these tests. */
export const idempotencySecret = 'test-idempotency-secret-of-32-characters';

export interface RedisTestAppOptions {
  /** Defaults to the shared test Redis; tests that stop Redis pass their own. */
  redisUrl?: string;
  /** Sessions on another Redis than the idempotency keys, to fail one store and not the other. */
  sessionRedisUrl?: string;
  instanceName?: string;
  isDraining?: () => boolean;
}

/** The app as stage 3 wires it: sessions and idempotency keys in Redis, on the test database. */
export async function buildRedisTestApp(options: RedisTestAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, frameworkErrors });
  await app.register(postgresPlugin, { connectionString: inject('databaseUrl'), max: 4 });
  await app.register(redisPlugin, { url: options.redisUrl ?? inject('redisUrl'), commandTimeoutMs: 300 });
  let sessionRedis = app.redis;
  if (options.sessionRedisUrl !== undefined) {
    const client = createRedisClient({ url: options.sessionRedisUrl, commandTimeoutMs: 300 });
    await waitUntilReady(client);
    app.addHook('onClose', () => closeRedisClient(client));
    sessionRedis = client;
  }
  const conduitOptions: ConduitOptions = {
    sessions: createRedisSessionStore(sessionRedis),
    idempotency: createRedisIdempotencyStore(app.redis, { secret: idempotencySecret }),
    ...(options.instanceName === undefined ? {} : { instanceName: options.instanceName }),
    ...(options.isDraining === undefined ? {} : { isDraining: options.isDraining }),
  };
  await app.register(conduit, conduitOptions);
  await app.ready();
  return app;
}
