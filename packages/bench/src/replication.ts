import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { queryRows } from './database.ts';
import { type LatencySummary, summarizeLatencies } from './percentiles.ts';
import type { DatabaseServer } from './stage-services.ts';

/**
 * Waits until every replica has replayed what the primary had written when called (e.g. the seed), so a measurement
 * starts with replicas that serve today's data. Returns how long that took.
 */
export async function waitForReplicas(servers: DatabaseServer[], timeoutMs = 120_000): Promise<number> {
  const primary = servers.find((server) => server.role === 'primary');
  const replicas = servers.filter((server) => server.role === 'replica');
  if (!primary || replicas.length === 0) return 0;
  const started = Date.now();
  const [row] = await queryRows<{ lsn: string }>(primary.url, 'SELECT pg_current_wal_lsn()::text AS lsn');
  for (const replica of replicas) {
    for (;;) {
      const [state] = await queryRows<{ caught: boolean }>(
        replica.url,
        'SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS caught',
        [row?.lsn],
      );
      if (state?.caught) break;
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `${replica.name} had not replayed the primary's WAL up to ${row?.lsn} after ${timeoutMs} ms: read "pnpm stack logs <stage> ${replica.name}".`,
        );
      }
      await sleep(100);
    }
  }
  return Date.now() - started;
}

export interface LagSample {
  /** ms since sampling started. */
  atMs: number;
  /** The walsender's client port: tells the replicas apart (both connect as the same application_name). */
  replica: string;
  /** pg_stat_replication.replay_lag in ms; null when the replica had caught up and no WAL was pending. */
  replayLagMs: number | null;
  /** WAL the primary had written and the replica had not replayed. */
  lagBytes: number;
}

export interface LagSummary {
  samples: number;
  /** Samples where replay_lag was null (caught up, nothing pending): counted as 0 ms in the percentiles. */
  caughtUp: number;
  replayLagMs: LatencySummary;
  lagBytes: LatencySummary;
}

/**
 * Reads pg_stat_replication on the primary every `intervalMs` until stopped: replay_lag is the primary's own
 * measure of how long a commit took to be replayed on each standby.
 */
export function sampleReplicationLag(primaryUrl: string, intervalMs = 100) {
  const samples: LagSample[] = [];
  const client = new pg.Client({ connectionString: primaryUrl });
  const started = performance.now();
  let stopped = false;
  const loop = (async () => {
    await client.connect();
    try {
      while (!stopped) {
        const { rows } = await client.query<{
          replica: string;
          lag_ms: number | null;
          lag_bytes: string | null;
        }>(
          `SELECT coalesce(client_addr::text, 'local') || ':' || coalesce(client_port, 0) AS replica,
                  (extract(epoch FROM replay_lag) * 1000)::float8 AS lag_ms,
                  pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::text AS lag_bytes
             FROM pg_stat_replication`,
        );
        const atMs = performance.now() - started;
        for (const row of rows) {
          samples.push({
            atMs,
            replica: row.replica,
            replayLagMs: row.lag_ms,
            lagBytes: Number(row.lag_bytes ?? 0),
          });
        }
        await sleep(intervalMs);
      }
    } finally {
      await client.end();
    }
  })();
  return {
    async stop(): Promise<LagSample[]> {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

export function summarizeLag(samples: LagSample[]): LagSummary {
  return {
    samples: samples.length,
    caughtUp: samples.filter((sample) => sample.replayLagMs === null).length,
    replayLagMs: summarizeLatencies(samples.map((sample) => sample.replayLagMs ?? 0)),
    lagBytes: summarizeLatencies(samples.map((sample) => sample.lagBytes)),
  };
}

/**
 * Makes a replica fall behind again and again: its WAL replay paused for `pauseMs` of every `periodMs` (as the
 * superuser on its own port), the way a replica lags under a burst of writes or a long query holding replay back.
 * Kept under the app's lag bound, the replica stays in rotation while it serves data up to `pauseMs` old.
 * `stop` resumes replay, whatever happened.
 */
export function stutterReplay(
  replicaUrl: string,
  { pauseMs, periodMs }: { pauseMs: number; periodMs: number },
) {
  const client = new pg.Client({ connectionString: replicaUrl });
  let stopped = false;
  let cycles = 0;
  const loop = (async () => {
    await client.connect();
    try {
      while (!stopped) {
        await client.query('SELECT pg_wal_replay_pause()');
        cycles++;
        await sleep(pauseMs);
        await client.query('SELECT pg_wal_replay_resume()');
        await sleep(periodMs - pauseMs);
      }
    } finally {
      await client.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
      await client.end();
    }
  })();
  return {
    /** Resumes replay for good; returns how many pauses there were. */
    async stop(): Promise<number> {
      stopped = true;
      await loop;
      return cycles;
    },
  };
}
