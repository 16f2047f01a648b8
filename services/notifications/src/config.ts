import {
  kafkaBrokersEnv,
  listenEnv,
  loadEnvConfig,
  logLevelEnv,
  metricsEnv,
  wholeNumber,
} from '@scaling/app-kit';
import { poolDefaults } from '@scaling/db';
import { tokenEnv } from '@scaling/tokens';
import { z } from 'zod';

const configSchema = z.object({
  ...listenEnv,
  ...metricsEnv,
  ...logLevelEnv,
  // The service's own PostgreSQL (compose: notifications-db), never the app's.
  NOTIFICATIONS_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DATABASE_POOL_MAX: wholeNumber(1, 5),
  DATABASE_CONNECT_TIMEOUT_MS: wholeNumber(1, poolDefaults.connectTimeoutMs),
  DATABASE_QUERY_TIMEOUT_MS: wholeNumber(1, poolDefaults.queryTimeoutMs),
  ...kafkaBrokersEnv,
  // The app's public signing keys (`/api/.well-known/jwks.json`), fetched when a token names a key not yet known.
  JWKS_URL: z.url({ protocol: /^https?$/ }),
  JWKS_TIMEOUT_MS: wholeNumber(100, 2_000),
  // At most one fetch per cooldown however many unknown key ids arrive: a client cannot make the service hammer the app.
  JWKS_COOLDOWN_MS: wholeNumber(1_000, 10_000),
  // A key set older than this is fetched again before it is used, so a key the app retired stops verifying here too.
  JWKS_CACHE_MAX_AGE_MS: wholeNumber(1_000, 300_000),
  // The same values as the app's: a token is checked here exactly as the app checks it.
  JWT_ISSUER: tokenEnv.JWT_ISSUER,
  JWT_AUDIENCE: tokenEnv.JWT_AUDIENCE,
  JWT_ACCESS_TTL_SECONDS: tokenEnv.JWT_ACCESS_TTL_SECONDS,
  JWT_CLOCK_SKEW_SECONDS: tokenEnv.JWT_CLOCK_SKEW_SECONDS,
  // Above nginx's upstream keepalive_timeout (60 s), as the app's replicas: nginx closes an idle connection first.
  KEEP_ALIVE_TIMEOUT_MS: wholeNumber(1_000, 72_000),
});

export type NotificationsConfig = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): NotificationsConfig {
  return loadEnvConfig(configSchema, env);
}
