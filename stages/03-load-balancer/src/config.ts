import { apiEnv, loadEnvConfig, replicaEnv, wholeNumber } from '@scaling/app-kit';
import { z } from 'zod';

const configSchema = z.object({
  ...apiEnv,
  // Redis, the replica's name, keep-alive, trusted proxies and drain: what every replica behind nginx reads.
  ...replicaEnv,
  // DATABASE_URL is PgBouncer's address: every replica's pool goes through it, so N replicas share its 20 server connections.
  DATABASE_POOL_MAX: wholeNumber(1, 10),
  // 'memory' brings back stage 1's per-process sessions, to show them break behind a round-robin balancer.
  SESSION_STORE: z.enum(['redis', 'memory']).default('redis'),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadEnvConfig(configSchema, env);
}
