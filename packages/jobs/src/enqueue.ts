import type { Queryable } from '@scaling/db';
import type { JobPayloads, PayloadMap } from './types.ts';

export const defaultMaxAttempts = 5;

export interface EnqueueOptions {
  /** Not before this moment; now when omitted. */
  runAt?: Date;
  maxAttempts?: number;
}

/**
 * A plain INSERT: given the caller's transaction client, the job commits or rolls back with the caller's own writes,
 * so work that was acknowledged is never lost and work that was rolled back never runs.
 */
export async function enqueue<
  Payloads extends PayloadMap = JobPayloads,
  Kind extends keyof Payloads & string = keyof Payloads & string,
>(db: Queryable, kind: Kind, payload: Payloads[Kind], options: EnqueueOptions = {}): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO jobs (kind, payload, run_at, max_attempts)
     VALUES ($1, $2, coalesce($3, now()), $4)
     RETURNING id`,
    [kind, JSON.stringify(payload), options.runAt ?? null, options.maxAttempts ?? defaultMaxAttempts],
  );
  return Number(rows[0]?.id);
}
