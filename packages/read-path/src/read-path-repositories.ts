import type { CacheAside } from '@scaling/cache';
import type { Repositories } from '@scaling/conduit';
import { withTransaction } from '@scaling/db';
import type { EdgePurger } from '@scaling/edge';
import type { ReplicaSet, WriteLsnStore } from '@scaling/replicas';
import type pg from 'pg';
import { createReadPathAuthors } from './authors.ts';
import { createChangePublisher } from './change-publisher.ts';
import { createChangeSet } from './change-set.ts';
import { createCommitLsn } from './commit-lsn.ts';
import { createReadPathArticles } from './read-path-articles.ts';
import { createReadPathComments } from './read-path-comments.ts';
import type { ReadPathLogger } from './read-path-logger.ts';
import { createReadPathProfiles } from './read-path-profiles.ts';
import { createReadPathUsers } from './read-path-users.ts';
import { createReadRouting } from './read-routing.ts';
import { createRecordingArticles } from './recording-articles.ts';
import { type TtlSeconds, validatedTtl } from './ttl.ts';
import { createViewerOverlay } from './viewer-overlay.ts';

export interface ReadPathOptions {
  /** Every write and transaction, and the reads that authorize or answer a write. */
  primary: pg.Pool;
  /** Where reads go; without it, every read runs on the primary. */
  replicas?: ReplicaSet | undefined;
  /** Cache-aside for shared objects; without it, reads are only routed. */
  cache?: CacheAside | undefined;
  /** Each user's last write position: given, every read for a viewer waits for it (read-your-writes on). */
  writeLsn?: WriteLsnStore | undefined;
  /** Bans at the edge, after each commit, the surrogate keys of what the write changed. */
  edge?: EdgePurger | undefined;
  ttl?: Partial<TtlSeconds> | undefined;
  /** Where a lost write position is reported (app.log). */
  log?: ReadPathLogger | undefined;
}

/**
 * The repositories of stage 4, behind the same seam as every stage's: routes unchanged. Reads go through the cache
 * (shared objects, the viewer's flags laid over) and the replicas, at least as fresh as the viewer's last write;
 * writes and transactions run on the primary, and once each commits, what it changed is invalidated in the cache,
 * banned at the edge, and remembered as its writer's last write.
 */
export function createReadPathRepositories(options: ReadPathOptions): Repositories {
  const { primary, replicas, cache, edge, log } = options;
  // A replica set of none (DATABASE_REPLICA_URLS empty) reads everything on the primary, which has every write:
  // no position to wait for, so none to remember.
  const writeLsn = replicas && replicas.status().length > 0 ? options.writeLsn : undefined;
  const ttl = validatedTtl(options.ttl);
  const commitLsn = createCommitLsn(primary, replicas);
  const routing = createReadRouting({ primary, replicas, writeLsn, commitLsn, log });
  const publish = createChangePublisher({ commitLsn, cache, edge, writeLsn, log });
  const overlay = createViewerOverlay(routing);
  return {
    users: createReadPathUsers(primary, publish),
    profiles: createReadPathProfiles({ primary, routing, publish, overlay, cache, ttlSeconds: ttl.profile }),
    articles: createReadPathArticles({
      primary,
      routing,
      publish,
      overlay,
      authors: cache ? createReadPathAuthors(cache, routing, ttl.profile) : undefined,
      cache,
      ttl,
    }),
    comments: createReadPathComments(primary, routing, publish),
    async transaction(_ownerId, fn) {
      const changes = createChangeSet();
      const result = await withTransaction(primary, (client) =>
        fn({ articles: createRecordingArticles(client, changes), client }),
      );
      await publish(changes.toChange());
      return result;
    },
  };
}
