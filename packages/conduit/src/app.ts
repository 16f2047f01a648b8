import { type PoolOptions, postgresPlugin } from '@scaling/db';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { frameworkErrors } from './http/error-handler.ts';
import type { ConduitOptions } from './options.ts';
import { conduit } from './plugin.ts';
import { createRepositories } from './repositories.ts';

/** What a stage (or a test) chooses for the API; the repositories come from the app's database. */
export type ConduitApiOptions = Omit<ConduitOptions, 'repositories'>;

export interface ConduitAppOptions {
  logLevel: string;
  /** Where log lines go: stdout unless a test reads them back. */
  logStream?: { write(line: string): void };
  /** HTTP server settings a stage tunes, such as keep-alive behind a balancer. */
  server?: Pick<FastifyServerOptions, 'keepAliveTimeout' | 'return503OnClosing'>;
  database: PoolOptions;
  /** Clients the stage adds (Redis, ...), registered after Postgres and before the API that uses them. */
  clients?: (app: FastifyInstance) => Promise<void>;
  /** What differs between stages: the session store, the hooks; built from the app when it needs its clients. */
  conduit: ConduitApiOptions | ((app: FastifyInstance) => ConduitApiOptions);
}

/**
 * The one place the app is wired, for every stage and every test: Fastify, its pg pool (`app.pg`, ended when the
 * app closes), the stage's clients, and the API on repositories built from that pool. Tokens stay out of the
 * request logs.
 */
export async function buildConduitApp(options: ConduitAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...options.server,
    frameworkErrors,
    logger: {
      level: options.logLevel,
      redact: ['req.headers.authorization'],
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
  });
  await app.register(postgresPlugin, options.database);
  await options.clients?.(app);
  const api = typeof options.conduit === 'function' ? options.conduit(app) : options.conduit;
  await app.register(conduit, { ...api, repositories: createRepositories({ primary: app.pg }) });
  return app;
}
