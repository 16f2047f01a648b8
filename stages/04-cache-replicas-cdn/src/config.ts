import { apiEnv, loadEnvConfig, replicaEnv } from '@scaling/app-kit';
import { readPathEnv } from '@scaling/app-kit/read-path';
import { z } from 'zod';

const configSchema = z.object({
  ...apiEnv,
  // Redis, the replica's name, keep-alive, trusted proxies and drain: what every replica behind nginx reads. nginx
  // passes on the client's address as the edge saw it (config/nginx.conf, real_ip_header).
  ...replicaEnv,
  // The read replicas, the cache Redis and the edge's bans; each left unset is switched off.
  ...readPathEnv,
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadEnvConfig(configSchema, env);
}
