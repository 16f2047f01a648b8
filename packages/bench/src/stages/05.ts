import { sessionStoreDown } from '../drills/session-store-down.ts';
import type { StageBenchmark } from '../experiment.ts';
import { authCost } from '../experiments/auth-cost.ts';
import { autoscaled, fixedMinimum } from '../experiments/autoscaling-jwt-columns.ts';
import { spike } from '../experiments/spike.ts';

/**
 * Stage 5 against itself, booted the ways its variants allow: a 10x spike with the autoscaler acting and with it in
 * dry run (the minimum serves), and signed-in reads with JWTs against stage 4's Redis sessions. The drill stops the
 * session Redis on stage 4, then on stage 5.
 */
export const stage05: StageBenchmark = {
  stage: 5,
  columns: [fixedMinimum, autoscaled],
  // The spike's fixed column boots first: it measures the rates both columns use, and the JWT column shares its boot.
  experiments: [spike, authCost],
  drills: [sessionStoreDown],
};
