import { postgresPlugin } from '@scaling/db';
import { createMetricsRegistry } from '@scaling/metrics';
import { promtoolProblems, sampleSum } from '@scaling/metrics/testing';
import Fastify from 'fastify';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { enqueue, jobsPlugin, observeJobQueue } from '../src/index.ts';
import { createTestPool } from './support/database.ts';
import { type TestPayloads, uniqueKind } from './support/worker-kit.ts';

const pool = createTestPool();
afterAll(() => pool.end());

function recordingLogger() {
  const warnings: string[] = [];
  return {
    warnings,
    logger: { info() {}, error() {}, warn: (_: object, message: string) => warnings.push(message) },
  };
}

describe('Job queue metrics', () => {
  it('When jobs are enqueued, then the depth of their kind counts the ready ones and the oldest age grows from zero', async () => {
    const [kind, idleKind] = [uniqueKind(), uniqueKind()];
    const registry = createMetricsRegistry();
    const { logger } = recordingLogger();
    observeJobQueue({ pool, registry, kinds: [kind, idleKind], logger });
    for (const label of ['one', 'two', 'three']) await enqueue<TestPayloads>(pool, kind, { label });
    await enqueue<TestPayloads>(
      pool,
      kind,
      { label: 'tomorrow' },
      { runAt: new Date(Date.now() + 86_400_000) },
    );

    const text = await registry.metrics();

    expect(sampleSum(text, 'jobs_queue_depth', { kind })).toBe(3);
    expect(sampleSum(text, 'jobs_queue_oldest_age_seconds', { kind })).toBeGreaterThanOrEqual(0);
    expect(text).toContain(`jobs_queue_depth{kind="${idleKind}"} 0`);
    expect(await promtoolProblems(text)).toEqual([]);
  });

  it('When a job has waited, then the oldest age is at least as long as it has been due', async () => {
    const kind = uniqueKind();
    const registry = createMetricsRegistry();
    observeJobQueue({ pool, registry, kinds: [kind], logger: recordingLogger().logger });
    await enqueue<TestPayloads>(pool, kind, { label: 'late' }, { runAt: new Date(Date.now() - 60_000) });

    const text = await registry.metrics();

    expect(sampleSum(text, 'jobs_queue_oldest_age_seconds', { kind })).toBeGreaterThanOrEqual(59);
  });

  it('When jobsPlugin runs the worker in the API process with metrics, then that registry reports the queue (stage 1)', async () => {
    const [handledKind, waitingKind] = [uniqueKind(), uniqueKind()];
    const registry = createMetricsRegistry();
    const app = Fastify({ logger: false });
    await app.register(postgresPlugin, { connectionString: inject('databaseUrl'), metrics: registry });
    await app.register(jobsPlugin, { handlers: { [handledKind]: async () => {} }, metrics: registry });
    await app.ready();
    try {
      // No handler in this process claims it, so it waits and is counted.
      await enqueue<TestPayloads>(pool, waitingKind, { label: 'waiting' });

      const text = await registry.metrics();

      expect(sampleSum(text, 'jobs_queue_depth', { kind: waitingKind })).toBe(1);
      expect(text).toContain(`jobs_queue_depth{kind="${handledKind}"} 0`);
      expect(sampleSum(text, 'pg_pool_clients', { pool: 'primary' })).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });

  it('When the database cannot answer, then the scrape still succeeds, without queue samples, and says why', async () => {
    const unreachable = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', max: 1 });
    const registry = createMetricsRegistry();
    const { logger, warnings } = recordingLogger();
    observeJobQueue({ pool: unreachable, registry, kinds: [uniqueKind()], logger });

    const text = await registry.metrics();
    await unreachable.end();

    expect(text).not.toMatch(/^jobs_queue_depth/m);
    expect(text).toMatch(/^process_resident_memory_bytes/m);
    expect(warnings).toEqual([expect.stringMatching(/Could not read the job queue/)]);
  });
});
