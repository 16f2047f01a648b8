import { hostname } from 'node:os';
import { apiEnv, loadEnvConfig, subnetList, wholeNumber } from '@scaling/app-kit';
import { defaultSessionAbsoluteTtlSeconds, defaultSessionIdleTtlSeconds } from '@scaling/sessions';
import { z } from 'zod';

const configSchema = z.object({
  ...apiEnv,
  // DATABASE_URL is PgBouncer's address: every replica's pool goes through it, so N replicas share its 20 server connections.
  DATABASE_POOL_MAX: wholeNumber(1, 10),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  // Keys the fingerprints of idempotent requests (whose bodies may hold passwords); the same on every replica.
  IDEMPOTENCY_SECRET: z.string().min(32),
  // 'memory' brings back stage 1's per-process sessions, to show them break behind a round-robin balancer.
  SESSION_STORE: z.enum(['redis', 'memory']).default('redis'),
  SESSION_IDLE_TTL_SECONDS: wholeNumber(60, defaultSessionIdleTtlSeconds),
  SESSION_ABSOLUTE_TTL_SECONDS: wholeNumber(60, defaultSessionAbsoluteTtlSeconds),
  // Sent as X-Served-By; the stack runner names replicas app.1, app.2, ...; in Docker the container's hostname.
  INSTANCE_NAME: z.string().min(1).default(hostname()),
  // Above nginx's upstream keepalive_timeout (60 s, config/nginx.conf): nginx closes an idle connection before
  // the app does, so it never sends a request on a connection the app is closing at that moment.
  KEEP_ALIVE_TIMEOUT_MS: wholeNumber(1000, 72_000),
  // Where nginx connects from: loopback natively, a private network in compose. Narrow it to nginx's own address
  // where clients on those networks can reach a replica directly, since they could then claim any address.
  TRUSTED_PROXIES: subnetList('127.0.0.0/8,::1,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7'),
  // After SIGTERM: how long the replica keeps serving, unready and closing each connection after its response,
  // before it stops listening. Long enough for the balancer's connections to it to turn over.
  DRAIN_DELAY_MS: wholeNumber(0, 2000),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadEnvConfig(configSchema, env);
}
