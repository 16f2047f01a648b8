import { dbRestart } from '../drills/db-restart.ts';
import { workerCrash } from '../drills/worker-crash.ts';
import type { StageBenchmark } from '../experiment.ts';
import { connectionChurn } from '../experiments/connection-churn.ts';
import { crashingJob } from '../experiments/crashing-job.ts';
import { readLatencyUnderJob } from '../experiments/read-latency-under-job.ts';

/** Stage 2 against stage 1: a heavy job, connection churn and a crashing job, each on both topologies. */
export const stage02: StageBenchmark = {
  stage: 2,
  columns: [
    { label: 'stage 1', stage: 1 },
    { label: 'stage 2', stage: 2 },
  ],
  // The crash goes last: in stage 1 it takes the API (and its sessions) down with it.
  experiments: [readLatencyUnderJob, connectionChurn, crashingJob],
  drills: [dbRestart, workerCrash],
};
