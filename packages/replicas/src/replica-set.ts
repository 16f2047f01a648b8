import type { Queryable } from '@scaling/db';

/** Where one replica stands at the last poll, as the health endpoint and the logs show it. */
export interface ReplicaStatus {
  /** `replica-1`, `replica-2`...: by position in the URL list, since a URL carries a password. */
  name: string;
  inRotation: boolean;
  /** The last WAL position it had replayed when polled; null until it answers a poll. */
  replayLsn: string | null;
  /** WAL bytes the primary had written that it had not replayed; null while either side is unknown. */
  lagBytes: number | null;
  /** How long ago the primary first had WAL this replica has not replayed; 0 when caught up, null when unknown. */
  lagSeconds: number | null;
  /** Why it is out of rotation (down, lagging, not a standby, not polled yet); absent while in rotation. */
  reason?: string;
}

/** Why a read went where it went: the `reason` label of `db_reads_total`. */
export type ReadReason = 'fresh' | 'behind' | 'out-of-rotation' | 'no-replica' | 'fallback';

export interface ReplicaSet {
  /**
   * Runs a read on a replica in rotation that has replayed past minLsn (round robin), else on the primary; a
   * replica that fails with a connection error is taken out of rotation and the read retried on the primary.
   */
  read<T>(minLsn: string | null, run: (db: Queryable) => Promise<T>): Promise<T>;
  /** The primary's WAL position now (pg_current_wal_lsn()): after a commit, what a reader must wait for to see it. */
  primaryLsn(): Promise<string>;
  status(): ReplicaStatus[];
}
