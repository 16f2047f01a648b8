import type pg from 'pg';
import { exponentialBackoff } from './backoff.ts';
import { createJobStore } from './job-store.ts';
import type { ClaimedJob, JobContext, JobHandlers, JobLogger, JobPayloads, PayloadMap } from './types.ts';

export interface WorkerOptions<Payloads extends PayloadMap = JobPayloads> {
  pool: pg.Pool;
  /** The worker claims only the kinds it has a handler for. */
  handlers: JobHandlers<Payloads>;
  /** Jobs run at the same time; each holds a pool connection while it queries. */
  concurrency?: number;
  /** How long an idle worker waits before looking for new jobs again. */
  pollIntervalMs?: number;
  /**
   * How long a claimed job stays invisible to other workers without news from its worker. The worker renews it every
   * third of it while the job runs, so it bounds how long a crashed worker's job waits, not how long a job may take.
   */
  leaseMs?: number;
  /** Delay before the next attempt, given the number of attempts made so far. */
  backoffMs?: (attempts: number) => number;
  logger: JobLogger;
}

export interface Worker {
  start(): void;
  /** Stops claiming, then waits for the jobs in flight to finish (graceful drain). */
  stop(): Promise<void>;
}

type AnyHandler = (payload: unknown, context: JobContext) => Promise<void>;

export function createWorker<Payloads extends PayloadMap = JobPayloads>(
  options: WorkerOptions<Payloads>,
): Worker {
  const { pool, logger } = options;
  const concurrency = options.concurrency ?? 1;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const leaseMs = options.leaseMs ?? 30_000;
  const backoffMs = options.backoffMs ?? exponentialBackoff;
  // The typed map guarantees each handler matches its kind's payload, and enqueue wrote the payload with that same type.
  const handlers = options.handlers as unknown as Record<string, AnyHandler>;
  const kinds = Object.keys(handlers);
  const store = createJobStore(pool);
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async function run(job: ClaimedJob): Promise<void> {
    const context = { pool, job, logger };
    if (job.attempts > job.maxAttempts) {
      // Only a lease that expired on the last attempt gets here: the job probably crashes its worker, so stop retrying it.
      await store.markFailed(
        job.id,
        'The lease of the last attempt expired before the job finished; its worker probably crashed. Fix the cause and enqueue the job again.',
      );
      logger.error({ jobId: job.id, kind: job.kind }, 'Job failed: its last attempt never finished.');
      return;
    }
    let failure: unknown;
    const started = performance.now();
    // While the job runs, its lease is renewed: a slow job keeps it, a dead worker stops renewing and loses it soon.
    const heartbeat = setInterval(() => {
      store.renewLease(job.id, leaseMs).catch((error: unknown) => {
        logger.warn(
          { jobId: job.id, kind: job.kind, err: error },
          'Could not renew the lease of a running job; if it runs out, another worker may run the job again.',
        );
      });
    }, leaseMs / 3);
    try {
      await (handlers[job.kind] as AnyHandler)(job.payload, context);
    } catch (error) {
      failure = error ?? new Error('The job handler threw without an error.');
    } finally {
      clearInterval(heartbeat);
    }
    if (failure === undefined) {
      await store.complete(job.id);
      // One line per job says which process ran it and for how long: the trail a split-out worker is checked by.
      const durationMs = Math.round(performance.now() - started);
      logger.info({ jobId: job.id, kind: job.kind, attempts: job.attempts, durationMs }, 'Job finished.');
      return;
    }
    const message = failure instanceof Error ? failure.message : String(failure);
    if (job.attempts >= job.maxAttempts) {
      await store.markFailed(job.id, message);
      logger.error(
        { jobId: job.id, kind: job.kind, attempts: job.attempts, err: failure },
        'Job failed for good.',
      );
    } else {
      const delayMs = backoffMs(job.attempts);
      await store.retryLater(job.id, message, delayMs);
      logger.warn(
        { jobId: job.id, kind: job.kind, attempts: job.attempts, delayMs, err: failure },
        'Job failed; retrying later.',
      );
    }
  }

  function track(job: ClaimedJob): void {
    const execution = run(job)
      .catch((error: unknown) => {
        // The outcome could not be written; the lease expires and the job runs again, which handlers tolerate.
        logger.error({ jobId: job.id, kind: job.kind, err: error }, 'Could not record the outcome of a job.');
      })
      .finally(() => {
        inFlight.delete(execution);
        wake?.();
      });
    inFlight.add(execution);
  }

  async function poll(): Promise<void> {
    while (running) {
      const free = concurrency - inFlight.size;
      if (free > 0) {
        try {
          const jobs = await store.claim(kinds, free, leaseMs);
          for (const job of jobs) track(job);
        } catch (error) {
          logger.error({ err: error }, 'Could not claim jobs; retrying after the poll interval.');
        }
      }
      // A finishing job cuts the pause short, so a backlog drains as fast as slots free up.
      if (running) await pause(pollIntervalMs);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = poll();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      await Promise.all(inFlight);
    },
  };
}
