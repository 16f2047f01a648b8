import type { Column } from '../experiment.ts';

// Stage 6's bench compares the write path of one primary (stage 5) with three shards (stage 6). Each runs its variant
// for load tests: sign-up limits lifted (the bench registers its writers from one address), the app at a fixed
// number of replicas, and every Postgres server held to the same CPU quota, like servers of one size.

/** Stage 5 variant `write-load`: its load-test settings, the autoscaler in dry run, the quotas of stage 6's. */
export const onePrimary: Column = {
  label: 'stage 5, one primary',
  stage: 5,
  boot: { variant: 'write-load' },
};

export const threeShards: Column = {
  label: 'stage 6, three shards',
  stage: 6,
  boot: { variant: 'load-test' },
};
