export {
  closeRedisClient,
  connectRedisClient,
  createRedisClient,
  defaultCommandTimeoutMs,
  defaultConnectTimeoutMs,
  type RedisClientOptions,
  type RedisConnectionLogger,
  waitUntilReady,
} from './client.ts';
export { observeRedisCommands } from './command-metrics.ts';
export { type RedisPluginOptions, redisPlugin } from './plugin.ts';
export { isRedisUnavailable, orUnavailable } from './unavailable.ts';
