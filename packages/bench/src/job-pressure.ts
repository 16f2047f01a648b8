import { setTimeout as sleep } from 'node:timers/promises';
import { enqueue, type JobKind, type JobPayloads } from '@scaling/jobs';
import pg from 'pg';

export interface JobPressureOptions<Kind extends JobKind> {
  /** The stage's Postgres, straight (the bench is an operator here, not a client of the app). */
  databaseUrl: string;
  kind: Kind;
  /** The payload of the n-th job enqueued (from 0): vary it so each job does fresh work. */
  payload: (index: number) => JobPayloads[Kind];
  /** Unfinished jobs of this kind kept in the queue: as many as the worker runs at once keeps it fully busy. */
  outstanding: number;
  pollIntervalMs?: number;
}

export interface JobPressureSummary {
  kind: string;
  /** The first job's payload. */
  payload: unknown;
  enqueued: number;
  /** Jobs that finished, including the ones that were still running at the end. */
  finished: number;
  /** Queued jobs withdrawn at the end, before any worker claimed them. */
  withdrawn: number;
  /** How long the jobs still running at the end took to finish. */
  drainMs: number;
}

export interface JobPressure {
  /** Resolves once a worker is running one of the jobs: the window can start. */
  running(timeoutMs?: number): Promise<void>;
  /** Stops enqueueing, withdraws the queued jobs and waits for the running ones to finish. */
  stop(options?: { drainTimeoutMs?: number; output?: (line: string) => void }): Promise<JobPressureSummary>;
}

/**
 * Keeps a worker busy with one kind of job for as long as a measurement runs, by topping the queue up to
 * `outstanding` unfinished jobs whenever one finishes.
 */
export function startJobPressure<Kind extends JobKind>(options: JobPressureOptions<Kind>): JobPressure {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const ids: number[] = [];
  let stopped = false;
  let failure: Error | undefined;

  const count = async (condition: string) => {
    const { rows } = await pool.query<{ count: string }>(
      `SELECT count(*) FROM jobs WHERE id = ANY($1::bigint[]) AND ${condition}`,
      [ids],
    );
    return Number(rows[0]?.count);
  };
  const unfinished = 'finished_at IS NULL AND failed_at IS NULL';
  const claimed = `${unfinished} AND attempts > 0 AND locked_until > now()`;

  const topUp = async () => {
    while (!stopped) {
      const missing = options.outstanding - (await count(unfinished));
      for (let i = 0; i < missing && !stopped; i++) {
        ids.push(await enqueue(pool, options.kind, options.payload(ids.length)));
      }
      await sleep(pollIntervalMs);
    }
  };
  const loop = topUp().catch((error: Error) => {
    failure = error;
  });

  return {
    async running(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while ((await count(claimed)) === 0) {
        if (failure) throw failure;
        if (Date.now() > deadline) {
          throw new Error(
            `No worker claimed a ${options.kind} job within ${timeoutMs} ms: check that the stage runs a job worker ("pnpm stack ps").`,
          );
        }
        await sleep(pollIntervalMs);
      }
    },
    async stop({ drainTimeoutMs = 300_000, output } = {}) {
      stopped = true;
      await loop;
      try {
        if (failure) throw failure;
        const withdrawn = await pool.query(
          `DELETE FROM jobs WHERE id = ANY($1::bigint[]) AND ${unfinished} AND attempts = 0`,
          [ids],
        );
        const drainStarted = Date.now();
        let reported = 0;
        while ((await count(unfinished)) > 0) {
          if (Date.now() - drainStarted > drainTimeoutMs) {
            throw new Error(
              `The ${options.kind} jobs still running did not finish within ${drainTimeoutMs} ms: look at the worker's log.`,
            );
          }
          if (Date.now() - drainStarted - reported >= 5_000) {
            reported = Date.now() - drainStarted;
            output?.(
              `waiting for the running ${options.kind} job to finish (${Math.round(reported / 1000)} s)...`,
            );
          }
          await sleep(pollIntervalMs);
        }
        return {
          kind: options.kind,
          payload: options.payload(0),
          enqueued: ids.length,
          finished: await count('finished_at IS NOT NULL'),
          withdrawn: withdrawn.rowCount ?? 0,
          drainMs: Date.now() - drainStarted,
        };
      } finally {
        await pool.end();
      }
    },
  };
}
