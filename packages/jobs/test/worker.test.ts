import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createWorker, enqueue, type JobHandler, type Worker, type WorkerOptions } from '../src/index.ts';
import { createTestPool, jobRow } from './support/database.ts';
import { deferred, silentLogger, type TestPayloads, uniqueKind, waitFor } from './support/worker-kit.ts';

const pool = createTestPool();
const running: Worker[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((worker) => worker.stop()));
});
afterAll(() => pool.end());

type TestHandler = JobHandler<TestPayloads[string]>;

function startWorker(
  kind: string,
  handler: TestHandler,
  options: Partial<WorkerOptions<TestPayloads>> = {},
): Worker {
  const worker = createWorker<TestPayloads>({
    pool,
    handlers: { [kind]: handler },
    pollIntervalMs: 20,
    logger: silentLogger,
    ...options,
  });
  running.push(worker);
  worker.start();
  return worker;
}

async function isFinished(id: number): Promise<boolean> {
  return Boolean((await jobRow(pool, id))?.finished_at);
}

describe('worker', () => {
  it('When a job is enqueued, then the worker runs its handler with the payload and marks it finished', async () => {
    const kind = uniqueKind();
    const seen: string[] = [];
    const id = await enqueue<TestPayloads>(pool, kind, { label: 'hello' });

    startWorker(kind, async (payload) => {
      seen.push(payload.label);
    });
    await waitFor(() => isFinished(id), 'the job to finish');

    expect(seen).toEqual(['hello']);
    expect(await jobRow(pool, id)).toMatchObject({
      attempts: 1,
      locked_until: null,
      failed_at: null,
      last_error: null,
    });
  });

  it('When a handler fails, then the job is released for a retry after the backoff, with its error', async () => {
    const kind = uniqueKind();
    const id = await enqueue<TestPayloads>(pool, kind, { label: 'flaky' }, { maxAttempts: 3 });
    let calls = 0;

    startWorker(
      kind,
      async () => {
        calls += 1;
        throw new Error('The flaky service is down.');
      },
      { backoffMs: (attempts) => attempts * 3_600_000 },
    );
    await waitFor(async () => Boolean((await jobRow(pool, id))?.last_error), 'the failure to be recorded');

    const job = await jobRow(pool, id);
    expect(job).toMatchObject({ attempts: 1, locked_until: null, failed_at: null, finished_at: null });
    expect(job?.last_error).toBe('The flaky service is down.');
    expect(job?.retry_in_seconds).toBeGreaterThan(3_500);
    expect(job?.retry_in_seconds).toBeLessThanOrEqual(3_600);
    expect(calls).toBe(1);
  });

  it('When a handler keeps failing, then the job ends failed after max_attempts with the last error', async () => {
    const kind = uniqueKind();
    const id = await enqueue<TestPayloads>(pool, kind, { label: 'doomed' }, { maxAttempts: 3 });
    let calls = 0;

    startWorker(
      kind,
      async (_payload, { job }) => {
        calls += 1;
        throw new Error(`Attempt ${job.attempts} failed.`);
      },
      { backoffMs: () => 0 },
    );
    await waitFor(async () => Boolean((await jobRow(pool, id))?.failed_at), 'the job to fail');

    expect(await jobRow(pool, id)).toMatchObject({
      attempts: 3,
      last_error: 'Attempt 3 failed.',
      finished_at: null,
    });
    expect(calls).toBe(3);
  });

  it('When two workers poll the same queue, then every job runs exactly once', async () => {
    const kind = uniqueKind();
    const ids: number[] = [];
    for (let index = 0; index < 30; index += 1) {
      ids.push(await enqueue<TestPayloads>(pool, kind, { label: `job ${index}` }));
    }
    const ran: number[] = [];
    const handler: TestHandler = async (_payload, { job }) => {
      ran.push(job.id);
      await new Promise((resolve) => setTimeout(resolve, 5));
    };

    startWorker(kind, handler, { concurrency: 3 });
    startWorker(kind, handler, { concurrency: 3 });
    await waitFor(async () => (await Promise.all(ids.map(isFinished))).every(Boolean), 'every job to finish');

    expect(ran.toSorted((a, b) => a - b)).toEqual(ids);
  });

  it('When a job lease has expired, then another worker claims it again, while a live lease is left alone', async () => {
    const kind = uniqueKind();
    const abandoned = await enqueue<TestPayloads>(pool, kind, { label: 'abandoned' });
    const leased = await enqueue<TestPayloads>(pool, kind, { label: 'leased' });
    await pool.query(
      `UPDATE jobs SET attempts = 1,
         locked_until = CASE WHEN id = $1 THEN now() - interval '1 minute' ELSE now() + interval '1 hour' END
       WHERE id = ANY($2)`,
      [abandoned, [abandoned, leased]],
    );
    const ran: string[] = [];

    startWorker(
      kind,
      async (payload) => {
        ran.push(payload.label);
      },
      { concurrency: 2 },
    );
    await waitFor(() => isFinished(abandoned), 'the abandoned job to finish');

    expect(ran).toEqual(['abandoned']);
    expect(await jobRow(pool, abandoned)).toMatchObject({ attempts: 2 });
    expect(await jobRow(pool, leased)).toMatchObject({ attempts: 1, finished_at: null });
  });

  it('When the lease of a last attempt expired, then the job is marked failed instead of run again', async () => {
    const kind = uniqueKind();
    const id = await enqueue<TestPayloads>(pool, kind, { label: 'crashes its worker' }, { maxAttempts: 2 });
    await pool.query(
      `UPDATE jobs SET attempts = 2, locked_until = now() - interval '1 minute' WHERE id = $1`,
      [id],
    );
    let calls = 0;

    startWorker(kind, async () => {
      calls += 1;
    });
    await waitFor(async () => Boolean((await jobRow(pool, id))?.failed_at), 'the job to fail');

    expect((await jobRow(pool, id))?.last_error).toMatch(/lease of the last attempt expired/);
    expect(calls).toBe(0);
  });

  it('When a job runs longer than its lease, then its worker keeps renewing the lease and no other worker runs it', async () => {
    const kind = uniqueKind();
    const id = await enqueue<TestPayloads>(pool, kind, { label: 'slower than its lease' });
    let runs = 0;
    const handler: TestHandler = async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 800));
    };

    startWorker(kind, handler, { leaseMs: 300 });
    await waitFor(async () => (await jobRow(pool, id))?.attempts === 1, 'the first worker to claim the job');
    startWorker(kind, handler, { leaseMs: 300 });
    await waitFor(() => isFinished(id), 'the job to finish');

    expect(runs).toBe(1);
    expect(await jobRow(pool, id)).toMatchObject({ attempts: 1, locked_until: null });
  });

  it('When a job finishes, then the worker logs its id, kind and duration', async () => {
    const kind = uniqueKind();
    const id = await enqueue<TestPayloads>(pool, kind, { label: 'logged' });
    const lines: { details: object; message: string }[] = [];
    const logger = {
      ...silentLogger,
      info: (details: object, message: string) => lines.push({ details, message }),
    };

    startWorker(kind, async () => {}, { logger });
    await waitFor(() => isFinished(id), 'the job to finish');

    expect(lines).toEqual([
      { details: { jobId: id, kind, attempts: 1, durationMs: expect.any(Number) }, message: 'Job finished.' },
    ]);
  });

  it('When the worker is stopped during a job, then stop() waits for that job to finish', async () => {
    const kind = uniqueKind();
    const id = await enqueue<TestPayloads>(pool, kind, { label: 'slow' });
    const started = deferred();
    const release = deferred();
    const worker = startWorker(kind, async () => {
      started.resolve();
      await release.promise;
    });
    await started.promise;

    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);

    release.resolve();
    await stopping;
    expect(await isFinished(id)).toBe(true);
  });
});
