import { createRedisIdempotencyStore } from '@scaling/idempotency';
import { closeRedisClient, createRedisClient, redisPlugin, waitUntilReady } from '@scaling/redis';
import { createRedisSessionStore } from '@scaling/sessions';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { buildConduitApp } from '../../src/index.ts';

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

/** The app as stage 3 wires it, through the stages' own function: sessions and idempotency keys in Redis. */
export async function buildRedisTestApp(options: RedisTestAppOptions = {}): Promise<FastifyInstance> {
  let sessionRedis: ReturnType<typeof createRedisClient> | undefined;
  const app = await buildConduitApp({
    logLevel: 'silent',
    database: { connectionString: inject('databaseUrl'), max: 4 },
    clients: async (app) => {
      await app.register(redisPlugin, { url: options.redisUrl ?? inject('redisUrl'), commandTimeoutMs: 300 });
      if (options.sessionRedisUrl === undefined) return;
      const client = createRedisClient({ url: options.sessionRedisUrl, commandTimeoutMs: 300 });
      await waitUntilReady(client);
      app.addHook('onClose', () => closeRedisClient(client));
      sessionRedis = client;
    },
    conduit: (app) => ({
      sessions: createRedisSessionStore(sessionRedis ?? app.redis),
      idempotency: createRedisIdempotencyStore(app.redis, { secret: idempotencySecret }),
      ...(options.instanceName === undefined ? {} : { instanceName: options.instanceName }),
      ...(options.isDraining === undefined ? {} : { isDraining: options.isDraining }),
    }),
  });
  await app.ready();
  return app;
}
