import { readHeavyRequests } from './read-heavy.ts';
import type { OpenScenario } from './types.ts';

/**
 * Stage 3's steady load for failure drills: the browsing mix at a fixed arrival rate, with every POST carrying an
 * Idempotency-Key, so that a write cut off by a replica's death can be sent again without making a duplicate.
 */
export const readHeavyKeyed: OpenScenario = {
  name: 'read-heavy-keyed',
  description:
    'the read-heavy mix at a fixed arrival rate (open model), each POST with an Idempotency-Key so a failed one can be retried',
  model: 'open',
  requestsPerSecond: 100,
  connections: 64,
  durationSeconds: 60,
  requests: readHeavyRequests,
  idempotencyKeys: true,
  // Behind a balancer a replica's restart or death must not show: no more failures than a retry can absorb.
  thresholds: { p95Ms: 500, maxErrorRate: 0.001 },
};
