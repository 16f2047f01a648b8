import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import { createPool, type PoolOptions } from './pool.ts';

declare module 'fastify' {
  interface FastifyInstance {
    pg: pg.Pool;
  }
}

export type PostgresPluginOptions = PoolOptions;

async function postgres(app: FastifyInstance, options: PostgresPluginOptions): Promise<void> {
  const pool = createPool(options, app.log);
  app.decorate('pg', pool);
  app.addHook('onClose', async () => {
    await pool.end();
  });
}

/** The shared pg.Pool as `app.pg`; ends the pool when the app closes. */
export const postgresPlugin = fp(postgres, { name: 'postgres', fastify: '5.x' });
