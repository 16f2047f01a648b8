import { apiEnv, loadEnvConfig, replicaEnv, urlList, wholeNumber } from '@scaling/app-kit';
import { z } from 'zod';

const configSchema = z.object({
  ...apiEnv,
  // Redis, the replica's name, keep-alive, trusted proxies and drain: what every replica behind nginx reads. nginx
  // passes on the client's address as the edge saw it (config/nginx.conf, real_ip_header).
  ...replicaEnv,
  // DATABASE_URL is the primary's PgBouncer: writes, transactions, and the reads no replica can serve fresh enough.
  DATABASE_POOL_MAX: wholeNumber(1, 10),
  // One PgBouncer per read replica, each given a pool of DATABASE_POOL_MAX. Empty: every read on the primary.
  DATABASE_REPLICA_URLS: urlList(/^postgres(ql)?$/, 'postgres://user:password@host:6432/conduit'),
  // A replica further behind than this leaves the rotation (it rejoins within half of it).
  REPLICA_MAX_LAG_SECONDS: z.coerce.number().positive().default(2),
  // How often each replica's replayed position is read: reads are routed from the last poll, never by asking.
  REPLICA_POLL_INTERVAL_MS: wholeNumber(10, 100),
  // on: a user's reads go only to a replica that has replayed their last write. off: to any replica in rotation.
  READ_YOUR_WRITES: z.enum(['on', 'off']).default('on'),
  // The cache's own Redis (evicting, not persisted), apart from REDIS_URL's (sessions: noeviction, persisted).
  // Empty: no cache-aside, every read goes to a database.
  CACHE_REDIS_URL: z.union([z.literal(''), z.url({ protocol: /^rediss?$/ })]).default(''),
  // A cache command slower than this is given up and the read goes to the database (fail-open).
  CACHE_TIMEOUT_MS: wholeNumber(1, 50),
  // Every edge (Varnish) that keeps copies: a write bans its surrogate keys on each. Empty: copies only expire.
  EDGE_PURGE_URLS: urlList(/^https?$/, 'http://varnish:8080'),
  // An edge that has not answered a ban within this counts as unreachable; the write succeeds all the same.
  EDGE_PURGE_TIMEOUT_MS: wholeNumber(1, 500),
  // Sent with every ban when set; the edges given the same EDGE_PURGE_TOKEN refuse a ban without it.
  EDGE_PURGE_TOKEN: z.string().default(''),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadEnvConfig(configSchema, env);
}
