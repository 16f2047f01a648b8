import type pg from 'pg';

/** Each job kind and the payload it carries; the worker's handler map is typed from it so a payload always matches its kind. */
export type JobPayloads = {
  'notify-followers': { articleId: number; authorId: number };
  'recompute-popular-tags': Record<string, never>;
  'weekly-digest': WeeklyDigestPayload;
};

export interface WeeklyDigestPayload {
  /** The Monday (UTC) the digest's week starts on, YYYY-MM-DD; each user has one digest per week. */
  week: string;
  /** The look-back: articles published in the `days` days before the week ends. */
  days: number;
  /** How many of the most favorited articles each digest lists. */
  articlesPerDigest: number;
}

export type JobKind = keyof JobPayloads;

/** Any kind-to-payload map; tests and later stages can run a worker over kinds of their own. */
export type PayloadMap = Record<string, unknown>;

export interface ClaimedJob {
  id: number;
  kind: string;
  payload: unknown;
  /** Counts this run: 1 on the first attempt. */
  attempts: number;
  maxAttempts: number;
}

export interface JobLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface JobContext {
  pool: pg.Pool;
  job: ClaimedJob;
  logger: JobLogger;
}

/** Runs may repeat (retries, expired leases), so every handler must be idempotent. */
export type JobHandler<Payload> = (payload: Payload, context: JobContext) => Promise<void>;

export type JobHandlers<Payloads extends PayloadMap = JobPayloads> = {
  [Kind in keyof Payloads & string]: JobHandler<Payloads[Kind]>;
};

/** A handler map over any payload map, for callers that pick kinds of their own (a dedicated worker, tests). */
export type AnyJobHandlers = Record<string, JobHandler<never>>;
