import { apiEnv, loadEnvConfig, replicaEnv } from '@scaling/app-kit';
import { readPathEnv } from '@scaling/app-kit/read-path';
import { tokenEnv } from '@scaling/tokens';
import { z } from 'zod';

const configSchema = z.object({
  ...apiEnv,
  // Redis, the replica's name, keep-alive, trusted proxies and drain: what every replica behind nginx reads. Redis
  // now holds login counts, idempotency keys and write positions; sessions only in the sessions variant.
  ...replicaEnv,
  // Stage 4's read path: the read replicas, the cache Redis and the edge's bans.
  ...readPathEnv,
  // The access tokens' issuer, audience, lifetime and clock skew, the key ring's reload period and the secret that
  // seals its private keys in Postgres, and the refresh tokens' absolute lifetime.
  ...tokenEnv,
  // jwt: signed access tokens any replica verifies alone, refresh tokens in Postgres (this stage). sessions: stage
  // 4's opaque tokens looked up in Redis on every request, the comparison `pnpm bench 5` measures.
  AUTH_TOKENS: z.enum(['jwt', 'sessions']).default('jwt'),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadEnvConfig(configSchema, env);
}
