import { cacheDown } from '../drills/cache-down.ts';
import { databaseReplicaKill } from '../drills/database-replica-kill.ts';
import { replicaLag } from '../drills/replica-lag.ts';
import { stampede } from '../drills/stampede.ts';
import type { StageBenchmark } from '../experiment.ts';
import { allColumns } from '../experiments/cache-replicas-columns.ts';
import { cacheWarmUp } from '../experiments/cache-warm-up.ts';
import { cachedReadVsHello } from '../experiments/cached-read-vs-hello.ts';
import { databaseStatements } from '../experiments/database-statements.ts';
import { hotArticleLatency } from '../experiments/hot-article-latency.ts';
import { mixSaturation } from '../experiments/mix-saturation.ts';
import { readYourWrites } from '../experiments/read-your-writes.ts';

/**
 * Stage 4 against stage 3 on the same data, in one run: the cache (Redis and the edge), the read replicas, and
 * both, each idea switched off in turn by a compose variant of the stage; the drills run on the stage as shipped.
 */
export const stage04: StageBenchmark = {
  stage: 4,
  columns: allColumns,
  // Stage 3 boots first: the hot-article experiment calibrates its rate there.
  experiments: [
    databaseStatements,
    hotArticleLatency,
    mixSaturation,
    cacheWarmUp,
    cachedReadVsHello,
    readYourWrites,
  ],
  drills: [cacheDown, databaseReplicaKill, stampede, replicaLag],
};
