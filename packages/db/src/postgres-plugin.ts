import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';

declare module 'fastify' {
  interface FastifyInstance {
    pg: pg.Pool;
  }
}

export interface PostgresPluginOptions {
  connectionString: string;
  max?: number;
}

async function postgres(app: FastifyInstance, options: PostgresPluginOptions): Promise<void> {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10 });
  // An idle client losing its server emits 'error' on the pool; unhandled, that would crash the process.
  pool.on('error', (error) => app.log.error({ err: error }, 'An idle PostgreSQL connection failed.'));
  app.decorate('pg', pool);
  app.addHook('onClose', async () => {
    await pool.end();
  });
}

/** The shared pg.Pool as `app.pg`; ends the pool when the app closes. */
export const postgresPlugin = fp(postgres, { name: 'postgres', fastify: '5.x' });
