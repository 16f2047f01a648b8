import { apiEnv, loadEnvConfig, wholeNumber } from '@scaling/app-kit';
import { z } from 'zod';

const configSchema = z.object({
  ...apiEnv,
  // One process owns every connection: the pool is the app's whole budget of Postgres backends.
  DATABASE_POOL_MAX: wholeNumber(1, 10),
  JOBS_CONCURRENCY: wholeNumber(0, 1),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadEnvConfig(configSchema, env);
}
