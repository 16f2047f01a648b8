import { postgresPlugin } from '@scaling/db';
import Fastify from 'fastify';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { enqueue, jobsPlugin } from '../src/index.ts';
import { createTestPool, jobRow } from './support/database.ts';
import { deferred, type TestPayloads, uniqueKind } from './support/worker-kit.ts';

const pool = createTestPool();
afterAll(() => pool.end());

describe('jobsPlugin', () => {
  it('When the app closes during a job, then the job finishes before the pool ends', async () => {
    const kind = uniqueKind();
    const started = deferred();
    const release = deferred();
    const app = Fastify();
    await app.register(postgresPlugin, { connectionString: inject('databaseUrl') });
    await app.register(jobsPlugin, {
      pollIntervalMs: 20,
      handlers: {
        [kind]: async (_payload: TestPayloads[string], { pool: appPool }) => {
          started.resolve();
          await release.promise;
          await appPool.query('SELECT 1');
        },
      },
    });
    await app.ready();

    const id = await enqueue<TestPayloads>(app.pg, kind, { label: 'in flight at close' });
    await started.promise;
    const closing = app.close();
    release.resolve();
    await closing;

    expect(await jobRow(pool, id)).toMatchObject({
      attempts: 1,
      last_error: null,
      finished_at: expect.any(Date),
    });
  });
});
