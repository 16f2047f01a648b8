import { credentialStuffing } from '../drills/credential-stuffing.ts';
import { redisDown } from '../drills/redis-down.ts';
import { replicaKill } from '../drills/replica-kill.ts';
import { rollingRestart } from '../drills/rolling-restart.ts';
import type { StageBenchmark } from '../experiment.ts';
import { replicaScaling } from '../experiments/replica-scaling.ts';
import { sessionsBehindBalancer } from '../experiments/sessions-behind-balancer.ts';
import { tracingOverhead } from '../experiments/tracing-overhead.ts';

/**
 * Stage 3 against itself, booted different ways: where the sessions live behind the balancer (memory, Redis, memory
 * with sticky hashing) and one replica against two; the failure drills run on the stage as its compose file says.
 */
export const stage03: StageBenchmark = {
  stage: 3,
  columns: [{ label: 'stage 3', stage: 3 }],
  experiments: [sessionsBehindBalancer, replicaScaling, tracingOverhead],
  drills: [rollingRestart, replicaKill, redisDown, credentialStuffing],
};
