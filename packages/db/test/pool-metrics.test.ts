import { createMetricsRegistry, type Registry } from '@scaling/metrics';
import { promtoolProblems, sampleSum } from '@scaling/metrics/testing';
import type pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createPool, type PoolOptions } from '../src/index.ts';

const silent = { error() {} };
const pools: pg.Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
});

function measuredPool(overrides: Partial<PoolOptions> = {}): { pool: pg.Pool; registry: Registry } {
  const registry = createMetricsRegistry();
  const pool = createPool({ connectionString: inject('databaseUrl'), max: 1, ...overrides }, silent, {
    registry,
  });
  pools.push(pool);
  return { pool, registry };
}

const primary = { pool: 'primary' };

describe('Pool metrics', () => {
  it('When a client is held, then the pool reports it open and not idle, and idle once released', async () => {
    const { pool, registry } = measuredPool({ max: 3 });

    const client = await pool.connect();
    const held = await registry.metrics();
    client.release();
    const released = await registry.metrics();

    expect(sampleSum(held, 'pg_pool_clients', primary)).toBe(1);
    expect(sampleSum(held, 'pg_pool_idle_clients', primary)).toBe(0);
    expect(sampleSum(held, 'pg_pool_max_clients', primary)).toBe(3);
    expect(sampleSum(released, 'pg_pool_idle_clients', primary)).toBe(1);
    expect(await promtoolProblems(released)).toEqual([]);
  });

  it('When every client is busy, then a query waits in the queue, and its checkout time covers the wait', async () => {
    const { pool, registry } = measuredPool();
    const client = await pool.connect();

    const waitStarted = performance.now();
    const query = pool.query('SELECT 1');
    const waiting = await registry.metrics();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const waitedSeconds = (performance.now() - waitStarted) / 1000;
    client.release();
    await query;
    const after = await registry.metrics();

    expect(sampleSum(waiting, 'pg_pool_waiting_requests', primary)).toBe(1);
    expect(sampleSum(after, 'pg_pool_waiting_requests', primary)).toBe(0);
    const acquired = { ...primary, outcome: 'acquired' };
    expect(sampleSum(after, 'pg_pool_acquire_duration_seconds_count', acquired)).toBe(2);
    expect(sampleSum(after, 'pg_pool_acquire_duration_seconds_sum', acquired)).toBeGreaterThanOrEqual(
      waitedSeconds,
    );
  });

  it('When no client frees up within the connect timeout, then the checkout counts as failed', async () => {
    const { pool, registry } = measuredPool({ connectTimeoutMs: 50 });
    const client = await pool.connect();

    await expect(pool.query('SELECT 1')).rejects.toThrow(/timeout exceeded/);
    client.release();
    const text = await registry.metrics();

    expect(sampleSum(text, 'pg_pool_acquire_duration_seconds_count', { ...primary, outcome: 'failed' })).toBe(
      1,
    );
  });

  it('When two pools report into one registry, then each has its own series under one metric', async () => {
    const { pool, registry } = measuredPool({ max: 2 });
    const replica = createPool({ connectionString: inject('databaseUrl'), max: 5 }, silent, {
      registry,
      name: 'replica',
    });
    pools.push(replica);

    await Promise.all([pool.query('SELECT 1'), replica.query('SELECT 1')]);
    const text = await registry.metrics();

    expect(sampleSum(text, 'pg_pool_max_clients', primary)).toBe(2);
    expect(sampleSum(text, 'pg_pool_max_clients', { pool: 'replica' })).toBe(5);
    expect(sampleSum(text, 'pg_pool_acquire_duration_seconds_count', { pool: 'replica' })).toBe(1);
  });
});
