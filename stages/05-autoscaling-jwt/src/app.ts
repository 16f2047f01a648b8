import {
  buildConduitApp,
  createMetricsRegistry,
  type DrainSwitch,
  databasePoolOptions,
  metricsListen,
  redisSessions,
  replicaApiOptions,
  replicaServerOptions,
} from '@scaling/app-kit';
import { readPath } from '@scaling/app-kit/read-path';
import { redisPlugin } from '@scaling/redis';
import {
  accessTokenSettings,
  createAccessTokens,
  createJwtSessions,
  createRefreshTokenStore,
  jwksRoute,
  keyRingOptions,
  keyRingPlugin,
} from '@scaling/tokens';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';

/**
 * Sign-ins as signed access tokens: any replica verifies one with the public keys it holds in memory, without
 * asking a store, so a request needs nothing from a shared session store and a new replica serves at once. Only
 * the refresh tokens are stored (hashed, in Postgres), and they are read once per token lifetime, not per request.
 */
function jwtSessions(app: FastifyInstance, config: Config) {
  return createJwtSessions({
    accessTokens: createAccessTokens(app.keyRing, accessTokenSettings(config)),
    refreshTokens: createRefreshTokenStore(app.pg, { ttlSeconds: config.REFRESH_TOKEN_TTL_SECONDS }),
  });
}

/**
 * Stage 5: stage 4's replica (the edge, the cache, the read replicas: `readPath`), now disposable. Its sign-ins
 * are JWTs verified in the process, so the autoscaler may add and remove replicas at any time and the sessions'
 * Redis is no longer on every request's path: it keeps login counts, idempotency keys and write positions, each of
 * which fails open or fails one request. AUTH_TOKENS=sessions brings back stage 4's Redis sessions to compare.
 */
export async function buildApp(config: Config, drain: DrainSwitch) {
  const metrics = createMetricsRegistry();
  const reads = readPath(config, metrics);
  const signed = config.AUTH_TOKENS === 'jwt';
  return buildConduitApp({
    logLevel: config.LOG_LEVEL,
    server: replicaServerOptions(config),
    database: databasePoolOptions(config),
    metrics: { registry: metrics, listen: metricsListen(config) },
    clients: async (app) => {
      await app.register(redisPlugin, { url: config.REDIS_URL, metrics });
      await reads.clients(app);
      if (signed) {
        // The signing keys from Postgres, the same on every replica, reloaded in the background to follow rotations.
        await app.register(keyRingPlugin, keyRingOptions(config));
        // Their public halves, for any client or service that checks a token itself; cacheable until the next reload.
        await app.register(jwksRoute, { keys: app.keyRing, maxAgeSeconds: config.JWT_KEYS_REFRESH_SECONDS });
      }
    },
    repositories: reads.repositories,
    conduit: (app) => ({
      ...replicaApiOptions(app.redis, config, {
        drain,
        sessions: signed ? jwtSessions(app, config) : redisSessions(app.redis, config),
      }),
      healthDetails: reads.healthDetails(app),
    }),
  });
}
