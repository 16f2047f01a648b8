import { compareLsn, createPool, lsnBytesBetween, type PoolOptions, type Queryable } from '@scaling/db';
import type { Registry } from '@scaling/metrics';
import type pg from 'pg';
import { PrimaryLsnHistory } from './primary-lsn-history.ts';
import { replicaFailure } from './replica-failure.ts';
import { type CountRead, measureReplicaSet } from './replica-metrics.ts';
import type { ReadReason, ReplicaSet, ReplicaStatus } from './replica-set.ts';

export interface ReplicaSetOptions {
  /** One connection string per replica (each its own PgBouncer in the stages); empty: every read on the primary. */
  urls: string[];
  /** The application's pool on the primary: fallback reads, and the primary's WAL position. */
  primary: pg.Pool;
  /** Sizes and timeouts of each replica's read pool, as the primary's (see `@scaling/db` createPool). */
  pool?: Omit<PoolOptions, 'connectionString'>;
  /** How often each replica's replay position and the primary's WAL position are read. */
  pollIntervalMs: number;
  /** A replica lagging further than this leaves the rotation; it rejoins once back within half of it. */
  maxLagSeconds: number;
  /** How long one poll query may take before its replica counts as down; default 1 s. */
  pollTimeoutMs?: number;
  /** The process's registry: replica lag, rotation and reads by target (`db_replica_*`, `db_reads_total`). */
  metrics?: Registry;
}

export interface ReplicaSetLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** A replica set that polls until closed. */
export interface RunningReplicaSet extends ReplicaSet {
  /** Stops polling and ends the replicas' pools (the primary's belongs to the caller). */
  close(): Promise<void>;
}

interface Replica {
  name: string;
  /** Where reads run, sized like the primary's pool and measured as `pool="<name>"`. */
  reads: pg.Pool;
  /** One connection of its own, so a poll never queues behind busy reads and reports a lag that is not there. */
  polls: pg.Pool;
  replayLsn: string | null;
  lagBytes: number | null;
  lagSeconds: number | null;
  inRotation: boolean;
  reason: string | undefined;
}

const defaultPollTimeoutMs = 1_000;
const replayLsnQuery = 'SELECT pg_last_wal_replay_lsn()::text AS lsn';
const currentLsnQuery = 'SELECT pg_current_wal_lsn()::text AS lsn';

function validate({ urls, pollIntervalMs, maxLagSeconds, pollTimeoutMs }: ReplicaSetOptions): void {
  if (urls.some((url) => url.trim() === '')) {
    throw new Error(
      'A replica URL is empty: list one PostgreSQL connection string per replica, comma-separated, or none for no replicas.',
    );
  }
  for (const [name, value] of Object.entries({ pollIntervalMs, maxLagSeconds, pollTimeoutMs })) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new Error(`The replica set's ${name} is ${value}: give a positive number.`);
    }
  }
}

const formatLag = ({ lagSeconds, lagBytes }: Pick<Replica, 'lagSeconds' | 'lagBytes'>) =>
  lagSeconds === null ? 'lag unknown' : `lag ${lagSeconds.toFixed(2)} s, ${lagBytes ?? '?'} bytes`;

/**
 * Opens a pool per replica, polls every replica's replay position and the primary's WAL position once, then again
 * every `pollIntervalMs` until closed. Reads are routed from the last poll, never by asking a replica per request.
 */
export async function startReplicaSet(
  options: ReplicaSetOptions,
  log: ReplicaSetLogger,
): Promise<RunningReplicaSet> {
  validate(options);
  const { primary, pollIntervalMs, maxLagSeconds } = options;
  const pollTimeoutMs = options.pollTimeoutMs ?? defaultPollTimeoutMs;
  const replicas: Replica[] = options.urls.map((url, index) => {
    const name = `replica-${index + 1}`;
    return {
      name,
      reads: createPool(
        { ...options.pool, connectionString: url },
        log,
        options.metrics ? { registry: options.metrics, name } : undefined,
      ),
      polls: createPool(
        { connectionString: url, max: 1, connectTimeoutMs: pollTimeoutMs, queryTimeoutMs: pollTimeoutMs },
        log,
      ),
      replayLsn: null,
      lagBytes: null,
      lagSeconds: null,
      inRotation: false,
      reason: 'not polled yet',
    };
  });
  // Samples older than a few bounds only ever report a replica already far out of rotation.
  const history = new PrimaryLsnHistory(Math.max(60_000, maxLagSeconds * 4_000));
  let primaryPollFailing = false;

  const status = (): ReplicaStatus[] =>
    replicas.map(({ name, inRotation, replayLsn, lagBytes, lagSeconds, reason }) => ({
      name,
      inRotation,
      replayLsn,
      lagBytes,
      lagSeconds,
      ...(reason === undefined ? {} : { reason }),
    }));
  const measured = options.metrics ? measureReplicaSet(options.metrics, status) : undefined;
  const countRead: CountRead = measured?.countRead ?? (() => {});

  function leave(replica: Replica, reason: string): void {
    const wasIn = replica.inRotation;
    replica.inRotation = false;
    replica.reason = reason;
    if (wasIn) {
      log.warn(
        { replica: replica.name, lagSeconds: replica.lagSeconds, lagBytes: replica.lagBytes, reason },
        `Replica ${replica.name} left the rotation: ${reason} (${formatLag(replica)}); its reads go to the other replicas or the primary.`,
      );
    }
  }

  function join(replica: Replica): void {
    replica.inRotation = true;
    replica.reason = undefined;
    log.info(
      { replica: replica.name, lagSeconds: replica.lagSeconds, lagBytes: replica.lagBytes },
      `Replica ${replica.name} joined the rotation (${formatLag(replica)}).`,
    );
  }

  function recordLag(replica: Replica, nowMs: number): void {
    const primaryLsn = history.latest();
    if (replica.replayLsn === null || primaryLsn === null) return;
    replica.lagBytes = lsnBytesBetween(replica.replayLsn, primaryLsn);
    replica.lagSeconds = history.lagSeconds(replica.replayLsn, nowMs);
  }

  async function pollPrimary(): Promise<void> {
    try {
      const { rows } = await primary.query<{ lsn: string }>(withTimeout(currentLsnQuery, pollTimeoutMs));
      history.record((rows[0] as { lsn: string }).lsn, performance.now());
      if (primaryPollFailing) log.info({}, "The primary's WAL position can be read again.");
      primaryPollFailing = false;
    } catch (error) {
      if (!primaryPollFailing) {
        log.warn(
          { err: error },
          "The primary's WAL position could not be read: replica lag is estimated from the last position read until it can.",
        );
      }
      primaryPollFailing = true;
    }
  }

  async function pollReplica(replica: Replica): Promise<void> {
    let lsn: string | null;
    try {
      const { rows } = await replica.polls.query<{ lsn: string | null }>(replayLsnQuery);
      lsn = rows[0]?.lsn ?? null;
    } catch (error) {
      recordLag(replica, performance.now());
      leave(replica, `it did not answer its poll (${(error as Error).message})`);
      return;
    }
    if (lsn === null) {
      leave(replica, 'it is not a standby (promoted, or its URL names a primary)');
      return;
    }
    replica.replayLsn = lsn;
    recordLag(replica, performance.now());
    if (replica.lagSeconds === null) {
      leave(replica, "its lag is unknown until the primary's WAL position can be read");
      return;
    }
    const { lagSeconds } = replica;
    if (replica.inRotation && lagSeconds > maxLagSeconds) {
      leave(replica, `it lags more than the ${maxLagSeconds} s bound`);
    } else if (!replica.inRotation && lagSeconds <= maxLagSeconds / 2) {
      // Rejoining at half the bound keeps a replica hovering near it from flapping in and out on every poll.
      join(replica);
    } else if (!replica.inRotation) {
      replica.reason =
        lagSeconds > maxLagSeconds
          ? `it lags more than the ${maxLagSeconds} s bound`
          : `it is catching up, and rejoins once it lags less than ${maxLagSeconds / 2} s`;
    }
  }

  async function poll(): Promise<void> {
    // The primary first: a replica compared with a later primary position would look behind when it is not.
    await pollPrimary();
    await Promise.all(replicas.map(pollReplica));
  }

  async function onPrimary<T>(reason: ReadReason, run: (db: Queryable) => Promise<T>): Promise<T> {
    countRead('primary', reason);
    return run(primary);
  }

  let turn = 0;
  async function read<T>(minLsn: string | null, run: (db: Queryable) => Promise<T>): Promise<T> {
    if (replicas.length === 0) return onPrimary('no-replica', run);
    const inRotation = replicas.filter((replica) => replica.inRotation);
    if (inRotation.length === 0) return onPrimary('out-of-rotation', run);
    const fresh =
      minLsn === null
        ? inRotation
        : inRotation.filter(
            (replica) => replica.replayLsn !== null && compareLsn(replica.replayLsn, minLsn) >= 0,
          );
    const replica = fresh[turn++ % fresh.length];
    if (!replica) return onPrimary('behind', run);
    let result: T;
    try {
      result = await run(replica.reads);
    } catch (error) {
      const failure = replicaFailure(error);
      if (failure === 'query') throw error;
      if (failure === 'down') leave(replica, `a read could not reach it (${(error as Error).message})`);
      return onPrimary('fallback', run);
    }
    countRead(replica.name, 'fresh');
    return result;
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();
  const schedule = () => {
    timer = setTimeout(() => {
      polling = poll().finally(() => {
        if (!stopped) schedule();
      });
    }, pollIntervalMs);
  };
  if (replicas.length > 0) {
    polling = poll();
    await polling;
    for (const { name, inRotation, reason } of replicas) {
      if (!inRotation)
        log.warn({ replica: name, reason }, `Replica ${name} starts out of the rotation: ${reason}.`);
    }
    schedule();
  }

  return {
    read,
    async primaryLsn() {
      const { rows } = await primary.query<{ lsn: string }>(currentLsnQuery);
      const lsn = (rows[0] as { lsn: string }).lsn;
      history.record(lsn, performance.now());
      return lsn;
    },
    status,
    async close() {
      stopped = true;
      clearTimeout(timer);
      await polling;
      measured?.stop();
      await Promise.all(replicas.flatMap((replica) => [replica.reads.end(), replica.polls.end()]));
    },
  };
}

/** pg's per-query client timeout, which its typings leave out of QueryConfig. */
function withTimeout(text: string, timeoutMs: number): pg.QueryConfig {
  const config = { text, query_timeout: timeoutMs };
  return config;
}
