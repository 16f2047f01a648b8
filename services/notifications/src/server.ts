import { closeGracefully, createMetricsRegistry, metricsListen } from '@scaling/app-kit';
import { createAccessTokenVerifier } from '@scaling/tokens';
import { buildNotificationsApp } from './app.ts';
import { loadConfig } from './config.ts';
import { remoteVerificationKeys } from './remote-keys.ts';

const config = loadConfig();
const app = await buildNotificationsApp({
  logLevel: config.LOG_LEVEL,
  keepAliveTimeoutMs: config.KEEP_ALIVE_TIMEOUT_MS,
  database: {
    connectionString: config.NOTIFICATIONS_DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
  },
  metrics: { registry: createMetricsRegistry(), listen: metricsListen(config) },
  accessTokens: createAccessTokenVerifier(
    remoteVerificationKeys({
      url: config.JWKS_URL,
      timeoutMs: config.JWKS_TIMEOUT_MS,
      cooldownMs: config.JWKS_COOLDOWN_MS,
      cacheMaxAgeMs: config.JWKS_CACHE_MAX_AGE_MS,
    }),
    {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: config.JWT_ACCESS_TTL_SECONDS,
      clockSkewSeconds: config.JWT_CLOCK_SKEW_SECONDS,
    },
  ),
  events: { brokers: config.KAFKA_BROKERS },
});

closeGracefully(app.log, 'notifications service', () => app.close());

await app.listen({ host: config.HOST, port: config.PORT });
