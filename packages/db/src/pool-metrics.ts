import { buckets, Histogram, metricOnce, type Registry, scrapedGauge } from '@scaling/metrics';
import pg from 'pg';

export interface PoolMetricsOptions {
  registry: Registry;
  /** The `pool` label: `primary` unless a stage adds more pools (replicas) to the same process. */
  name?: string;
}

type Acquired = (seconds: number, outcome: 'acquired' | 'failed') => void;

/**
 * A pg.Pool that times every checkout, from asking for a client to getting one (or giving up): `pool.query` asks
 * through `connect` too, so every query's wait for a connection is measured, not only explicit transactions.
 */
class TimedPool extends pg.Pool {
  readonly #acquired: Acquired;

  constructor(config: pg.PoolConfig, acquired: Acquired) {
    super(config);
    this.#acquired = acquired;
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (
      error: Error | undefined,
      client: pg.PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): void;
  override connect(
    callback?: (
      error: Error | undefined,
      client: pg.PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): Promise<pg.PoolClient> | undefined {
    const started = performance.now();
    const settle = (error: unknown) =>
      this.#acquired((performance.now() - started) / 1000, error ? 'failed' : 'acquired');
    if (callback) {
      super.connect((error, client, done) => {
        settle(error);
        callback(error, client, done);
      });
      return undefined;
    }
    return super.connect().then(
      (client) => {
        settle(undefined);
        return client;
      },
      (error: unknown) => {
        settle(error);
        throw error;
      },
    );
  }
}

/** The pools each registry reports, read at scrape time: the counts are the pool's own, never a copy kept in step. */
const poolsByRegistry = new WeakMap<Registry, Map<string, pg.Pool>>();

function poolGauge(registry: Registry, name: string, help: string, read: (pool: pg.Pool) => number): void {
  scrapedGauge(registry, {
    name,
    help,
    label: 'pool',
    read: () =>
      [...(poolsByRegistry.get(registry) ?? [])].map(([poolName, pool]) => [poolName, read(pool)] as const),
  });
}

/** A pool reporting its clients and checkout times into `metrics.registry`, labelled with its name. */
export function createMeasuredPool(config: pg.PoolConfig, metrics: PoolMetricsOptions): pg.Pool {
  const { registry } = metrics;
  const name = metrics.name ?? 'primary';
  const acquire = metricOnce(
    registry,
    'pg_pool_acquire_duration_seconds',
    () =>
      new Histogram({
        name: 'pg_pool_acquire_duration_seconds',
        help: 'Time spent waiting for a pool client, by outcome: "failed" is a connect timeout or a refused connection.',
        labelNames: ['pool', 'outcome'],
        buckets: [...buckets.poolAcquire],
        registers: [registry],
      }),
  );
  poolGauge(
    registry,
    'pg_pool_clients',
    'Clients the pool holds open, busy or idle.',
    (pool) => pool.totalCount,
  );
  poolGauge(
    registry,
    'pg_pool_idle_clients',
    'Clients open and free for the next query.',
    (pool) => pool.idleCount,
  );
  poolGauge(
    registry,
    'pg_pool_waiting_requests',
    'Checkouts queued because every client is busy and the pool is at its maximum.',
    (pool) => pool.waitingCount,
  );
  poolGauge(
    registry,
    'pg_pool_max_clients',
    'The most clients the pool may open.',
    (pool) => pool.options.max ?? Number.NaN,
  );
  const pool = new TimedPool(config, (seconds, outcome) => acquire.observe({ pool: name, outcome }, seconds));
  const pools = poolsByRegistry.get(registry) ?? new Map<string, pg.Pool>();
  poolsByRegistry.set(registry, pools.set(name, pool));
  return pool;
}
