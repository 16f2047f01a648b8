import { createPool, type PoolOptions } from '@scaling/db';
import type { Registry } from '@scaling/metrics';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import type { ShardAddress } from './env.ts';
import { measureShards } from './shard-metrics.ts';
import { createShardRouter } from './shard-router.ts';
import { createShardSet, type ShardSet } from './shard-set.ts';

declare module 'fastify' {
  interface FastifyInstance {
    shards: ShardSet;
  }
}

export interface ShardsPluginOptions {
  shards: readonly ShardAddress[];
  /** The global database (`app.pg`): where the ring and the author moves are read. */
  global: pg.Pool;
  virtualNodes: number;
  refreshMs: number;
  /** Size and timeouts of each shard's pool, as the global one's (see `@scaling/db` createPool). */
  pool?: Omit<PoolOptions, 'connectionString'>;
  /** The process's registry: each shard's pool is measured as `pool="<shard>"`. */
  metrics?: Registry;
}

async function shards(app: FastifyInstance, options: ShardsPluginOptions): Promise<void> {
  const pools = new Map(
    options.shards.map(({ name, url }) => [
      name,
      createPool(
        { ...options.pool, connectionString: url },
        app.log,
        options.metrics ? { registry: options.metrics, name } : undefined,
      ),
    ]),
  );
  const router = createShardRouter(options.global, { virtualNodes: options.virtualNodes });
  let reportedUnknown = '';
  const reportUnknownMembers = () => {
    const unknown = router.members().filter((name) => !pools.has(name));
    if (unknown.join() === reportedUnknown) return;
    reportedUnknown = unknown.join();
    if (unknown.length === 0) return;
    app.log.error(
      { shards: unknown },
      `The shard ring names ${unknown.join(', ')} but SHARD_URLS has no URL for ${unknown.length > 1 ? 'them' : 'it'}: their authors' requests fail until SHARD_URLS lists every shard.`,
    );
  };
  const refresh = () =>
    router.refresh().then(reportUnknownMembers, (error: unknown) => {
      // The last routing read stays in force: the ring changes rarely, and a move is fenced on the shards.
      app.log.warn({ err: error }, 'Reading the shard ring failed; routing stays as last read.');
    });
  await refresh();
  const timer = setInterval(refresh, options.refreshMs);
  timer.unref();
  app.decorate(
    'shards',
    createShardSet(pools, router, options.metrics ? measureShards(options.metrics) : undefined),
  );
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await Promise.all([...pools.values()].map((pool) => pool.end()));
  });
}

/**
 * The shards as `app.shards`: a pool per shard (connecting on first use) and the router, its ring read at start and
 * every `refreshMs`; the timer stops and the pools end when the app closes.
 */
export const shardsPlugin = fp(shards, { name: 'shards', fastify: '5.x' });
