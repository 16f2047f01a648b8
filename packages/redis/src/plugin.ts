import type { Registry } from '@scaling/metrics';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import {
  closeRedisClient,
  createRedisClient,
  defaultConnectTimeoutMs,
  type RedisClientOptions,
  waitUntilReady,
} from './client.ts';
import { observeRedisCommands } from './command-metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis;
  }
}

export interface RedisPluginOptions extends RedisClientOptions {
  /** The process's registry, when Redis command latency and errors are measured (`redis_command_*`). */
  metrics?: Registry;
}

/**
 * Waits briefly for the first connection but starts without it: a replica that boots while Redis is down
 * still serves what needs no Redis (anonymous reads), and its client connects as soon as Redis is back.
 */
async function redis(app: FastifyInstance, { metrics, ...options }: RedisPluginOptions): Promise<void> {
  const client = createRedisClient(options, app.log);
  const stopObserving = metrics ? observeRedisCommands(metrics) : undefined;
  app.decorate('redis', client);
  if (!(await waitUntilReady(client, options.connectTimeoutMs ?? defaultConnectTimeoutMs))) {
    app.log.warn({}, 'Redis is not reachable yet; starting anyway and connecting in the background.');
  }
  app.addHook('onClose', async () => {
    await closeRedisClient(client);
    stopObserving?.();
  });
}

/** The shared ioredis client as `app.redis`; closes it when the app closes. */
export const redisPlugin = fp(redis, { name: 'redis', fastify: '5.x' });
