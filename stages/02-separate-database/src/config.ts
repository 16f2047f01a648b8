import { apiEnv, loadEnvConfig, wholeNumber } from '@scaling/app-kit';
import { z } from 'zod';

const configSchema = z.object({
  ...apiEnv,
  // DATABASE_URL is PgBouncer's address, not Postgres's: only the migrations, which need a session of their own,
  // go around it. Connections to PgBouncer are cheap: it lends each transaction one of its default_pool_size server
  // connections.
  DATABASE_POOL_MAX: wholeNumber(1, 20),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadEnvConfig(configSchema, env);
}
