import type { Column } from '../experiment.ts';

// Stage 4's ideas one at a time and together, each switched off by a compose variant of the stage
// (stages/04-cache-replicas-cdn/docker-compose.<variant>.yml), against stage 3 on the same data.

export const stage3: Column = { label: 'stage 3', stage: 3 };

/** The cache Redis and the edge, every read on the primary (DATABASE_REPLICA_URLS empty). */
export const cacheOnly: Column = { label: 'stage 4 cache only', stage: 4, boot: { variant: 'no-replicas' } };

/** The replicas and the edge, no cache Redis (CACHE_REDIS_URL empty). */
export const replicasOnly: Column = {
  label: 'stage 4 replicas only',
  stage: 4,
  boot: { variant: 'no-cache' },
};

export const stage4: Column = { label: 'stage 4 all', stage: 4 };

/** Everything on, but a user's reads ignore the LSN of their last write (READ_YOUR_WRITES=off). */
export const withoutReadYourWrites: Column = {
  label: 'stage 4 without read-your-writes',
  stage: 4,
  boot: { variant: 'no-read-your-writes' },
};

export const allColumns: Column[] = [stage3, cacheOnly, replicasOnly, stage4];
