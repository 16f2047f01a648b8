import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { baseBackup } from '@scaling/stack';
import pg from 'pg';
import { inject } from 'vitest';
import { type ChildPostgres, startChildPostgres } from './postgres-server.ts';

export interface StandbyOptions {
  /**
   * The 127.0.0.1 port the standby listens on: one of the test file's own, TEST_POSTGRES_PORT + 1..9 (concurrent runs
   * take bases ten apart, Redis sits 1000 above); every test file using a standby needs a different offset.
   */
  port: number;
  /**
   * The primary, as a superuser (the default: the global setup's test database) or a role with REPLICATION. The
   * standby's URL is this one on the standby's port; pausing replay needs a superuser.
   */
  primaryUrl?: string;
  /** Extra `-c name=value` settings for the standby (e.g. `['-c', 'hot_standby_feedback=on']`). */
  settings?: string[];
}

export interface Standby {
  /** The standby's connection string to `database` (the primary URL's by default), as the primary URL's role. */
  url(database?: string): string;
  /** How far it has replayed the primary's WAL ('16/B374D848'), null before its first replay. */
  replayLsn(): Promise<string | null>;
  /** Waits until it has replayed at least up to `lsn`. */
  waitForReplay(lsn: string, timeoutMs?: number): Promise<void>;
  /** Waits until it has replayed everything the primary had written when called. */
  catchUp(timeoutMs?: number): Promise<void>;
  /** Stops applying WAL (it still receives it), as a lagging replica; reads see the data as of now. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Fast shutdown; `start()` brings it back from its data directory, streaming from where it stopped. */
  stop(): Promise<void>;
  /** SIGKILL to the postmaster, as a crashed replica. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its data directory. */
  dispose(): Promise<void>;
}

const defaultTimeoutMs = 10_000;

/**
 * A real PostgreSQL 15 hot standby of the test cluster, for tests of replicas and read-your-writes: a
 * `pg_basebackup -R -X stream` copy (the same one the native runner makes for a `postgres-replica` service) started
 * as a child of this process. The test cluster needs nothing more: initdb's pg_hba.conf allows replication
 * connections from 127.0.0.1 and its superuser may replicate. Each test file starts its own and disposes of it.
 */
export async function startStandby({
  port,
  primaryUrl = inject('databaseUrl'),
  settings = [],
}: StandbyOptions): Promise<Standby> {
  const primary = new URL(primaryUrl);
  const root = mkdtempSync(join(tmpdir(), 'conduit-test-standby-'));
  // The server runs as an unprivileged account, which must enter the folder mkdtemp made private.
  chmodSync(root, 0o755);
  const cluster = {
    dataDir: join(root, 'data'),
    port,
    user: decodeURIComponent(primary.username),
    password: decodeURIComponent(primary.password),
    database: decodeURIComponent(primary.pathname.slice(1)) || 'postgres',
  };
  const url = (database = cluster.database) => {
    const standby = new URL(primaryUrl);
    standby.hostname = '127.0.0.1';
    standby.port = String(port);
    standby.pathname = `/${encodeURIComponent(database)}`;
    return standby.toString();
  };
  const query = async <T>(connectionString: string, text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2000 });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end().catch(() => {});
    }
  };
  const onStandby = <T>(text: string, values?: unknown[]) => query<T>(url(), text, values);

  let server: ChildPostgres | undefined;
  const start = async () => {
    const deadline = Date.now() + defaultTimeoutMs;
    // After a kill the old backends may hold the shared memory a moment longer: start again until they are gone.
    for (;;) {
      try {
        server = await startChildPostgres(cluster, ['-c', 'fsync=off', ...settings]);
        return;
      } catch (error) {
        if (Date.now() > deadline || !/still in use|already running/.test(String(error))) throw error;
        await sleep(200);
      }
    }
  };

  const waitForReplay = async (lsn: string, timeoutMs = defaultTimeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await onStandby<{ replayed: boolean | null }>(
        'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS replayed',
        [lsn],
      );
      if (row?.replayed) return;
      if (Date.now() > deadline) {
        throw new Error(
          `The standby on port ${port} did not replay up to ${lsn} within ${timeoutMs} ms: is replay paused, or the primary unreachable?`,
        );
      }
      await sleep(20);
    }
  };

  await baseBackup(cluster.dataDir, {
    host: primary.hostname,
    port: Number(primary.port || 5432),
    user: cluster.user,
    password: cluster.password,
  }).catch((error: unknown) => {
    rmSync(root, { recursive: true, force: true });
    throw error;
  });
  await start().catch((error: unknown) => {
    rmSync(root, { recursive: true, force: true });
    throw error;
  });

  return {
    url,
    async replayLsn() {
      const [row] = await onStandby<{ lsn: string | null }>('SELECT pg_last_wal_replay_lsn()::text AS lsn');
      return row?.lsn ?? null;
    },
    waitForReplay,
    async catchUp(timeoutMs) {
      const [row] = await query<{ lsn: string }>(primaryUrl, 'SELECT pg_current_wal_lsn()::text AS lsn');
      await waitForReplay(row?.lsn as string, timeoutMs);
    },
    async pauseReplay() {
      await onStandby('SELECT pg_wal_replay_pause()');
      // The request takes effect at the next WAL record; 'paused' means nothing more is applied from now on.
      const deadline = Date.now() + defaultTimeoutMs;
      for (;;) {
        const [row] = await onStandby<{ state: string }>('SELECT pg_get_wal_replay_pause_state() AS state');
        if (row?.state === 'paused') return;
        if (Date.now() > deadline) break;
        await sleep(20);
      }
      throw new Error(`The standby on port ${port} did not pause its replay within ${defaultTimeoutMs} ms.`);
    },
    async resumeReplay() {
      await onStandby('SELECT pg_wal_replay_resume()');
    },
    stop: async () => {
      await server?.stop();
    },
    kill: async () => {
      await server?.kill();
    },
    start,
    async dispose() {
      await server?.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
