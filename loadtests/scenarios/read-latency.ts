import { readHeavyRequests } from './read-heavy.ts';
import type { OpenScenario } from './types.ts';

/**
 * The reads of the browsing mix at a fixed arrival rate: latency percentiles mean something only when the rate
 * does not depend on how fast the server answers. Without writes, repeated runs see the same data.
 */
export const readLatency: OpenScenario = {
  name: 'read-latency',
  description:
    'the reads of the read-heavy mix at a fixed arrival rate (open model), for latency percentiles',
  model: 'open',
  requestsPerSecond: 100,
  connections: 64,
  durationSeconds: 30,
  requests: readHeavyRequests.filter((request) => !request.write),
  thresholds: { p95Ms: 250, maxErrorRate: 0.01 },
};
