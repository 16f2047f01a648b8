import { hostname } from 'node:os';
import type { AllowedOrigins, ConduitAppOptions, ConduitOptions } from '@scaling/conduit';
import { createRedisIdempotencyStore } from '@scaling/idempotency';
import { articlePublished } from '@scaling/jobs';
import { createRedisRateLimiter } from '@scaling/rate-limit';
import {
  createRedisSessionStore,
  defaultSessionAbsoluteTtlSeconds,
  defaultSessionIdleTtlSeconds,
  type SessionStore,
} from '@scaling/sessions';
import { z } from 'zod';
import { credentialLimits } from './credential-throttle-env.ts';
import type { DrainSwitch } from './drain.ts';
import { subnetList, wholeNumber } from './env-config.ts';

/**
 * What an app replica behind a balancer reads beside `apiEnv` (stages 3 on): where its shared state lives (Redis),
 * its name, and how it behaves behind the balancer (keep-alive, trusted proxies, drain).
 */
export const replicaEnv = {
  // The Redis that holds what every replica shares: sessions, idempotency keys, login counts.
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  // Keys the fingerprints of idempotent requests (whose bodies may hold passwords); the same on every replica.
  IDEMPOTENCY_SECRET: z.string().min(32),
  SESSION_IDLE_TTL_SECONDS: wholeNumber(60, defaultSessionIdleTtlSeconds),
  SESSION_ABSOLUTE_TTL_SECONDS: wholeNumber(60, defaultSessionAbsoluteTtlSeconds),
  // Sent as X-Served-By; the stack runner names replicas app.1, app.2, ...; in Docker the container's hostname.
  INSTANCE_NAME: z.string().min(1).default(hostname()),
  // Above nginx's upstream keepalive_timeout (60 s, the stages' config/nginx.conf): nginx closes an idle connection
  // before the app does, so it never sends a request on a connection the app is closing at that moment.
  KEEP_ALIVE_TIMEOUT_MS: wholeNumber(1000, 72_000),
  // Where nginx connects from: loopback natively, a private network in compose. Narrow it to nginx's own address
  // where clients on those networks can reach a replica directly, since they could then claim any address.
  TRUSTED_PROXIES: subnetList('127.0.0.0/8,::1,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7'),
  // After SIGTERM: how long the replica keeps serving, unready and closing each connection after its response,
  // before it stops listening. Long enough for the balancer's connections to it to turn over.
  DRAIN_DELAY_MS: wholeNumber(0, 2000),
};

/** A replica's configuration: `replicaEnv` and the parts of `apiEnv` it uses. */
export type ReplicaConfig = z.infer<z.ZodObject<typeof replicaEnv>> &
  Parameters<typeof credentialLimits>[0] & { CORS_ORIGINS: AllowedOrigins };

/** The HTTP server of a replica behind nginx. */
export function replicaServerOptions(config: ReplicaConfig): ConduitAppOptions['server'] {
  return {
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    // A request that still reaches a closing server (on a connection opened before) is served, not refused:
    // the pools close only after the last request, and a 503 would fail a POST that nginx must not retry.
    return503OnClosing: false,
    // The client's address (logs, rate limits) is the one nginx saw: the last entry it adds to X-Forwarded-For.
    trustedProxies: config.TRUSTED_PROXIES,
  };
}

type SharedRedis = Parameters<typeof createRedisSessionStore>[0];

/** Sessions in the shared Redis: any replica knows a token any other issued, and a logout ends it everywhere. */
export function redisSessions(redis: SharedRedis, config: ReplicaConfig): SessionStore {
  return createRedisSessionStore(redis, {
    idleTtlSeconds: config.SESSION_IDLE_TTL_SECONDS,
    absoluteTtlSeconds: config.SESSION_ABSOLUTE_TTL_SECONDS,
  });
}

/**
 * The API of a stateless replica: nothing a request needs lives in the process. Idempotency keys and login counts
 * are in the shared Redis beside the `sessions`, jobs are in the database for the worker.
 */
export function replicaApiOptions(
  redis: SharedRedis,
  config: ReplicaConfig,
  { drain, sessions }: { drain: DrainSwitch; sessions: SessionStore },
): Omit<ConduitOptions, 'repositories'> {
  return {
    sessions,
    idempotency: createRedisIdempotencyStore(redis, { secret: config.IDEMPOTENCY_SECRET }),
    hooks: { articlePublished },
    instanceName: config.INSTANCE_NAME,
    isDraining: drain.isDraining,
    allowedOrigins: config.CORS_ORIGINS,
    // Counted in Redis: an attacker spreading attempts over the replicas meets one limit, not one per replica.
    credentialThrottle: { limiter: createRedisRateLimiter(redis), ...credentialLimits(config) },
  };
}
