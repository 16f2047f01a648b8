import type { ReplicaSet } from '@scaling/replicas';
import type pg from 'pg';

/**
 * The primary's WAL position after a commit: a reader that waits for it sees the write. From the replica set when
 * there is one, else asked directly (a cache without replicas still needs it for its tombstones).
 */
export function createCommitLsn(primary: pg.Pool, replicas: ReplicaSet | undefined): () => Promise<string> {
  if (replicas) return () => replicas.primaryLsn();
  return async () => {
    const { rows } = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    return (rows[0] as { lsn: string }).lsn;
  };
}
