import { type ConduitOptions, conduit, frameworkErrors } from '@scaling/conduit';
import { postgresPlugin } from '@scaling/db';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';

export interface ConduitAppOptions {
  logLevel: string;
  /** HTTP server settings a stage tunes, such as keep-alive behind a balancer. */
  server?: Pick<FastifyServerOptions, 'keepAliveTimeout' | 'return503OnClosing'>;
  database: { connectionString: string; max: number };
  /** Clients the stage adds (Redis, ...), registered after Postgres and before the API that uses them. */
  clients?: (app: FastifyInstance) => Promise<void>;
  /** What differs between stages: the session store, the hooks; built from the app when it needs its clients. */
  conduit: ConduitOptions | ((app: FastifyInstance) => ConduitOptions);
}

/** The RealWorld API on its own pg pool, with tokens kept out of the request logs. */
export async function buildConduitApp(options: ConduitAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...options.server,
    frameworkErrors,
    logger: { level: options.logLevel, redact: ['req.headers.authorization'] },
  });
  await app.register(postgresPlugin, options.database);
  await options.clients?.(app);
  await app.register(conduit, typeof options.conduit === 'function' ? options.conduit(app) : options.conduit);
  return app;
}
