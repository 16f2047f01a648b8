import type { Queryable } from '@scaling/db';
import type { ReplicaSet, WriteLsnStore } from '@scaling/replicas';
import type pg from 'pg';
import type { ReadPathLogger } from './read-path-logger.ts';

export interface ReadRouting {
  /**
   * The WAL position every read for this viewer must have replayed: their last write (read-your-writes). Null
   * when anonymous, when they wrote nothing lately, or when no write LSN store is given (the rule is off).
   */
  floor(viewerId: number | null): Promise<string | null>;
  /** Runs a read on a replica that has replayed past minLsn, else on the primary (always, without replicas). */
  on<T>(minLsn: string | null, run: (db: Queryable) => Promise<T>): Promise<T>;
}

export function createReadRouting(options: {
  primary: pg.Pool;
  replicas?: ReplicaSet | undefined;
  writeLsn?: WriteLsnStore | undefined;
  commitLsn: () => Promise<string>;
  log?: ReadPathLogger | undefined;
}): ReadRouting {
  const { primary, replicas, writeLsn, log } = options;
  return {
    async floor(viewerId) {
      if (!writeLsn || !replicas || viewerId === null) return null;
      try {
        return await writeLsn.lastWrite(viewerId);
      } catch (error) {
        // Not knowing the viewer's last write, assume it is as recent as it can be: the primary's position now.
        log?.warn(
          { err: error, viewerId },
          "A user's last write position could not be read; their read waits for the primary's position instead. Check the sessions Redis.",
        );
        return options.commitLsn();
      }
    },
    on(minLsn, run) {
      return replicas ? replicas.read(minLsn, run) : run(primary);
    },
  };
}
