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
import { registerSignInKeys, signedSessions } from '@scaling/tokens';
import type { Config } from './config.ts';

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
      // Signed access tokens: any replica verifies one with the keys it holds in memory, so a request needs
      // nothing from a shared session store and a new replica serves at once.
      if (signed) await registerSignInKeys(app, config);
    },
    repositories: reads.repositories,
    conduit: (app) => ({
      ...replicaApiOptions(app.redis, config, {
        drain,
        sessions: signed ? signedSessions(app, config) : redisSessions(app.redis, config),
      }),
      healthDetails: reads.healthDetails(app),
    }),
  });
}
