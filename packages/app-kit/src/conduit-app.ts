import { type ConduitOptions, conduit } from '@scaling/conduit';
import { postgresPlugin } from '@scaling/db';
import Fastify, { type FastifyInstance } from 'fastify';

export interface ConduitAppOptions {
  logLevel: string;
  database: { connectionString: string; max: number };
  /** What differs between stages: the session store, the hooks. */
  conduit: ConduitOptions;
}

/** The RealWorld API on its own pg pool, with tokens kept out of the request logs. */
export async function buildConduitApp(options: ConduitAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: options.logLevel, redact: ['req.headers.authorization'] },
  });
  await app.register(postgresPlugin, options.database);
  await app.register(conduit, options.conduit);
  return app;
}
