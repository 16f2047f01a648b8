import type { Registry } from '@scaling/metrics';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import { createPool, type PoolOptions } from './pool.ts';

declare module 'fastify' {
  interface FastifyInstance {
    pg: pg.Pool;
  }
}

export interface PostgresPluginOptions extends PoolOptions {
  /** The process's registry, when the pool reports its clients and checkout times (`pg_pool_*`). */
  metrics?: Registry;
}

async function postgres(app: FastifyInstance, { metrics, ...options }: PostgresPluginOptions): Promise<void> {
  const pool = createPool(options, app.log, metrics ? { registry: metrics } : undefined);
  app.decorate('pg', pool);
  app.addHook('onClose', async () => {
    await pool.end();
  });
}

/** The shared pg.Pool as `app.pg`; ends the pool when the app closes. */
export const postgresPlugin = fp(postgres, { name: 'postgres', fastify: '5.x' });
