import type { CacheAside } from '@scaling/cache';
import type { EdgePurger } from '@scaling/edge';
import type { WriteLsnStore } from '@scaling/replicas';
import type { WriteChange } from './change-set.ts';
import type { ReadPathLogger } from './read-path-logger.ts';

export interface ChangePublisherOptions {
  commitLsn: () => Promise<string>;
  cache?: CacheAside | undefined;
  edge?: EdgePurger | undefined;
  writeLsn?: WriteLsnStore | undefined;
  log?: ReadPathLogger | undefined;
}

export type ChangePublisher = (change: WriteChange) => Promise<void>;

/**
 * After a commit: tombstones the cache entries and moves the list scopes to the commit's LSN, then bans the same
 * names at the edge, and remembers the LSN as each writer's last write. The edge goes second on purpose: a
 * request the ban sends back to the origin must find the cache already invalidated, or it would refill the edge
 * with the old answer. Cache and edge are fail-open (their own logs); a lost write LSN is logged, not thrown: the
 * write has committed, and the cost is a read that may miss it.
 */
export function createChangePublisher(options: ChangePublisherOptions): ChangePublisher {
  const { cache, edge, writeLsn, log } = options;
  return async (change) => {
    const invalidates = cache !== undefined && change.keys.length + change.scopes.length > 0;
    const remembers = writeLsn !== undefined && change.writers.length > 0;
    const lsn = invalidates || remembers ? await options.commitLsn() : null;
    const invalidateThenPurge = async () => {
      if (invalidates && lsn) await cache.invalidate({ keys: change.keys, scopes: change.scopes }, lsn);
      if (edge && change.edge.length > 0) await edge.purge(change.edge);
    };
    const remember = (userId: number) =>
      remembers && lsn
        ? writeLsn.remember(userId, lsn).catch((error: unknown) => {
            log?.warn(
              { err: error, userId },
              "A user's write position could not be stored; their next read may miss their own write. Check the sessions Redis.",
            );
          })
        : undefined;
    await Promise.all([invalidateThenPurge(), ...change.writers.map(remember)]);
  };
}
